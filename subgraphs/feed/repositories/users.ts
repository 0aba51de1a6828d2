// The users projection: who exists, their name, email and roles, as accounts announced them.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../kit/database.ts";
import { type UserRow, users } from "../db/schema.ts";

export interface ProjectedUser {
  id: string;
  name: string;
  roles: string[];
  /** Only accounts.user.registered carries it; an update leaves it as it was. */
  email?: string;
}

export function createUsersRepository(db: Db) {
  return {
    /** Insert or overwrite, inside the handler's transaction. Replays of the same event land the same way. */
    async upsert(tx: Db, user: ProjectedUser): Promise<void> {
      const changes = {
        name: user.name,
        roles: user.roles,
        updatedAt: new Date(),
        ...(user.email ? { email: user.email } : {}),
      };
      await tx
        .insert(users)
        .values({ id: user.id, ...changes })
        .onConflictDoUpdate({ target: users.id, set: changes });
    },

    /**
     * A registration is a user's first event, but it travels on another topic than their updates: an update
     * applied before it already holds the newer name and roles, so the registration only adds the email.
     */
    async registered(tx: Db, user: ProjectedUser): Promise<void> {
      const row = { name: user.name, roles: user.roles, updatedAt: new Date(), email: user.email ?? null };
      await tx
        .insert(users)
        .values({ id: user.id, ...row })
        .onConflictDoUpdate({ target: users.id, set: { email: row.email } });
    },

    async find(id: string, tx: Db = db): Promise<UserRow | null> {
      const [row] = await tx.select().from(users).where(eq(users.id, id));
      return row ?? null;
    },

    async adminIds(tx: Db = db): Promise<string[]> {
      const rows = await tx.select({ id: users.id }).from(users).where(sql`'ADMIN' = any(${users.roles})`);
      return rows.map((r) => r.id);
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
