// orders' tables: orders with their lines and payment attempts, and the copy of catalog's prices they are priced from.
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { ORDER_STATUSES, PAYMENT_STATUSES } from "../status.ts";

export * from "../../../events/outbox/schema.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id").notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull().default("PENDING"),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // "My orders, newest first" and "all orders of a status, newest first" are the two list shapes.
    index("orders_customer_created_idx").on(t.customerId, t.createdAt),
    index("orders_status_created_idx").on(t.status, t.createdAt),
    index("orders_created_idx").on(t.createdAt),
    check("orders_total_non_negative", sql`${t.totalCents} >= 0`),
  ],
);

export const orderItems = pgTable(
  "order_items",
  {
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** Position in the order as placed, so items read back in the customer's order. */
    position: integer("position").notNull(),
    productId: uuid("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** The price when the order was placed; later catalog price changes never touch it. */
    unitPriceCents: integer("unit_price_cents").notNull(),
    /** The product's name when the order was placed: the order reads the same after a rename or discontinuation. */
    productName: text("product_name").notNull().default(""),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.position] }),
    // Inventory keys reservations by (order, product): one line per product per order.
    unique("order_items_order_product_unique").on(t.orderId, t.productId),
    check("order_items_quantity_positive", sql`${t.quantity} > 0`),
  ],
);

export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** 1, 2, ... per order: the latest attempt is the highest, whatever the clock says. */
    attempt: integer("attempt").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    method: text("method").notNull(),
    status: text("status", { enum: PAYMENT_STATUSES }).notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("payments_order_attempt_unique").on(t.orderId, t.attempt)],
);

/** catalog's products as orders last heard of them through events; placeOrder prices lines from here. */
export const productPrices = pgTable("product_prices", {
  productId: uuid("product_id").primaryKey(),
  name: text("name").notNull(),
  priceCents: integer("price_cents").notNull(),
  currency: text("currency").notNull(),
  deleted: boolean("deleted").notNull().default(false),
  /** When catalog wrote the event applied last: created/updated/deleted travel on different topics and may arrive out of order. */
  sourceTime: at("source_time").notNull(),
});

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type ProductPriceRow = typeof productPrices.$inferSelect;
