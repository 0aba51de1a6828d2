// orders' copy of catalog's prices, kept current by catalog's events; placeOrder reads it.
import { inArray, sql } from "drizzle-orm";
import type { Db } from "../../kit/database.ts";
import { type ProductPriceRow, productPrices } from "../db/schema.ts";

export interface ProductFacts {
  productId: string;
  name: string;
  priceCents: number;
  currency: string;
}

export function createProductPricesRepository(db: Db) {
  return {
    async pricesFor(productIds: readonly string[]): Promise<Map<string, ProductPriceRow>> {
      if (productIds.length === 0) return new Map();
      const rows = await db
        .select()
        .from(productPrices)
        .where(inArray(productPrices.productId, [...productIds]));
      return new Map(rows.map((r) => [r.productId, r]));
    },

    /**
     * created and updated carry the full state. They travel on different topics than deleted, so
     * an older event may arrive after a newer one: apply only what is newer, and never revive a deleted product.
     */
    async remember(tx: Db, facts: ProductFacts, sourceTime: Date): Promise<void> {
      await tx
        .insert(productPrices)
        .values({ ...facts, deleted: false, sourceTime })
        .onConflictDoUpdate({
          target: productPrices.productId,
          set: {
            name: sql`excluded.name`,
            priceCents: sql`excluded.price_cents`,
            currency: sql`excluded.currency`,
            sourceTime: sql`excluded.source_time`,
          },
          setWhere: sql`not ${productPrices.deleted} and ${productPrices.sourceTime} <= excluded.source_time`,
        });
    },

    /**
     * Discontinuation is final; the tombstone keeps the name (for placeOrder's refusal) and stops a late
     * "created" from bringing the product back.
     */
    async forget(tx: Db, productId: string, sourceTime: Date): Promise<void> {
      await tx
        .insert(productPrices)
        .values({ productId, name: "", priceCents: 0, currency: "", deleted: true, sourceTime })
        .onConflictDoUpdate({ target: productPrices.productId, set: { deleted: true, sourceTime } });
    },
  };
}

export type ProductPricesRepository = ReturnType<typeof createProductPricesRepository>;
