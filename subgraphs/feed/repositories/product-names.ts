// catalog's product names as feed last heard of them; LOW_STOCK notifications say the name, not an id.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../kit/database.ts";
import { productNames } from "../db/schema.ts";

export function createProductNamesRepository(db: Db) {
  return {
    /** Inside the handler's transaction; an older event arriving late never overwrites a newer name. */
    async remember(tx: Db, id: string, name: string, sourceTime: Date): Promise<void> {
      await tx
        .insert(productNames)
        .values({ id, name, sourceTime })
        .onConflictDoUpdate({
          target: productNames.id,
          set: { name: sql`excluded.name`, sourceTime: sql`excluded.source_time` },
          setWhere: sql`${productNames.sourceTime} <= excluded.source_time`,
        });
    },

    async nameOf(id: string, tx: Db = db): Promise<string | null> {
      const [row] = await tx
        .select({ name: productNames.name })
        .from(productNames)
        .where(eq(productNames.id, id));
      return row?.name ?? null;
    },
  };
}
