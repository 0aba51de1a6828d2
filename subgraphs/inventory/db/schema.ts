// inventory's tables: units on hand and reserved per product, and which order holds which reservation.
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export * from "../../../events/outbox/schema.ts";

export const stock = pgTable(
  "stock",
  {
    productId: uuid("product_id").primaryKey(),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /**
     * When catalog discontinued the product: no more stock changes or reservations, but the row stays so
     * reservations of orders placed before keep their units until they ship or are cancelled.
     */
    discontinuedAt: timestamp("discontinued_at", { withTimezone: true, precision: 3 }),
  },
  // The database itself refuses overselling, whatever a bug upstream might try.
  (t) => [
    check("stock_on_hand_non_negative", sql`${t.onHand} >= 0`),
    check("stock_reserved_within_on_hand", sql`${t.reserved} >= 0 and ${t.reserved} <= ${t.onHand}`),
  ],
);

export const reservations = pgTable(
  "reservations",
  {
    orderId: uuid("order_id").notNull(),
    productId: uuid("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** RESERVED while the order is open, then RELEASED (cancelled) or COMMITTED (shipped). */
    status: text("status", { enum: ["RESERVED", "RELEASED", "COMMITTED"] })
      .notNull()
      .default("RESERVED"),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.productId] }),
    index("reservations_product_idx").on(t.productId),
  ],
);

export type StockRow = typeof stock.$inferSelect;
