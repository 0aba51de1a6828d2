// catalog's tables: the products it owns, plus the outbox every subgraph carries.
import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export * from "../../../events/outbox/schema.ts";

export const products = pgTable(
  "products",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    description: text("description"),
    priceCents: integer("price_cents").notNull(),
    currency: text("currency").notNull().default("USD"),
    category: text("category").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Set by deleteProduct: the row stays so orders and events referring to the product keep resolving. */
    discontinuedAt: timestamp("discontinued_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("products_category_created_idx").on(t.category, t.createdAt),
    index("products_created_idx").on(t.createdAt),
    index("products_name_lower_idx").on(sql`lower(${t.name})`),
  ],
);

export type ProductRow = typeof products.$inferSelect;
