// The order aggregate (orders, their items and payments): reads in one query each, and placing, the status
// transitions and payment, each under the order's row lock with its events in the same transaction.
import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import type { Db } from "../../kit/database.ts";
import { type Publish, publisherFor, type UnitOfWork } from "../../kit/unit-of-work.ts";
import type { PageArgs } from "../../kit/validation.ts";
import {
  type OrderItemRow,
  type OrderRow,
  orderItems,
  orders,
  type PaymentRow,
  payments,
} from "../db/schema.ts";
import type { ChargeFunction } from "../payments/processor.ts";
import { assertTransition, IllegalTransition, type OrderStatus } from "../status.ts";

export interface OrderFilter {
  customerId?: string;
  status?: OrderStatus | null;
}

const newestFirst = [desc(orders.createdAt), desc(orders.id)] as const;

export interface RequestedLine {
  productId: string;
  quantity: number;
}

export interface PricedOrder {
  /** Each line keeps its product's name and price as they were when the order was placed. */
  lines: (RequestedLine & { unitPriceCents: number; productName: string })[];
  totalCents: number;
  currency: string;
}

/** What inventory answered about an order's stock. */
export type StockAnswer = "reserved" | "rejected";

async function lockOrder(tx: Db, orderId: string): Promise<OrderRow | undefined> {
  // Concurrent mutations and saga events on one order queue here, so each sees the status the last one left.
  const [row] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
  return row;
}

async function announce(publish: Publish, order: OrderRow, previousStatus: OrderStatus | ""): Promise<void> {
  await publish({
    topic: Topics.OrderStatusChanged,
    key: order.id,
    payload: {
      entity: { typename: "Order", id: order.id },
      orderId: order.id,
      customerId: order.customerId,
      status: order.status,
      previousStatus,
    },
  });
}

async function move(tx: Db, publish: Publish, order: OrderRow, to: OrderStatus): Promise<OrderRow> {
  assertTransition(order.status, to);
  const [row] = await tx
    .update(orders)
    .set({ status: to, updatedAt: new Date() })
    .where(eq(orders.id, order.id))
    .returning();
  await announce(publish, row!, order.status);
  return row!;
}

export function createOrdersRepository({ db, transact }: UnitOfWork) {
  /** A customer or admin action: null when the order does not exist, IllegalTransition when it may not move. */
  function transition(orderId: string, to: OrderStatus): Promise<OrderRow | null> {
    return transact(async (tx, publish) => {
      const order = await lockOrder(tx, orderId);
      if (!order) return null;
      if (order.status === "PAID" && to === "CANCELLED") {
        await tx
          .update(payments)
          .set({ status: "REFUNDED", updatedAt: new Date() })
          .where(and(eq(payments.orderId, orderId), eq(payments.status, "SUCCEEDED")));
      }
      return move(tx, publish, order, to);
    });
  }

  return {
    async findByIds(ids: readonly string[]): Promise<OrderRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(orders)
        .where(inArray(orders.id, [...ids]));
    },

    async list(filter: OrderFilter, page: PageArgs): Promise<{ items: OrderRow[]; totalItems: number }> {
      const conditions: SQL[] = [];
      if (filter.customerId) conditions.push(eq(orders.customerId, filter.customerId));
      if (filter.status) conditions.push(eq(orders.status, filter.status));
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const [items, [total]] = await Promise.all([
        db
          .select()
          .from(orders)
          .where(where)
          .orderBy(...newestFirst)
          .limit(page.perPage)
          .offset(page.offset),
        db.select({ value: count() }).from(orders).where(where),
      ]);
      return { items, totalItems: total?.value ?? 0 };
    },

    /** Every order of every given customer, newest first: one query however many users the gateway asks about. */
    async ordersOfCustomers(customerIds: readonly string[]): Promise<OrderRow[]> {
      if (customerIds.length === 0) return [];
      return db
        .select()
        .from(orders)
        .where(inArray(orders.customerId, [...customerIds]))
        .orderBy(...newestFirst);
    },

    async itemsOf(orderIds: readonly string[]): Promise<OrderItemRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(orderItems)
        .where(inArray(orderItems.orderId, [...orderIds]))
        .orderBy(orderItems.orderId, orderItems.position);
    },

    /** The latest payment attempt of each order that has one. */
    async latestPaymentsOf(orderIds: readonly string[]): Promise<PaymentRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .selectDistinctOn([payments.orderId])
        .from(payments)
        .where(inArray(payments.orderId, [...orderIds]))
        .orderBy(payments.orderId, desc(payments.attempt));
    },

    place(customerId: string, priced: PricedOrder): Promise<OrderRow> {
      return transact(async (tx, publish) => {
        const [order] = await tx
          .insert(orders)
          .values({ customerId, totalCents: priced.totalCents, currency: priced.currency })
          .returning();
        await tx
          .insert(orderItems)
          .values(priced.lines.map((line, position) => ({ orderId: order!.id, position, ...line })));
        await publish({
          topic: Topics.OrderPlaced,
          key: order!.id,
          payload: {
            entity: { typename: "Order", id: order!.id },
            orderId: order!.id,
            customerId,
            lines: priced.lines.map(({ productId, quantity, unitPriceCents }) => ({
              productId,
              quantity,
              unitPriceCents,
            })),
            totalCents: priced.totalCents,
            currency: priced.currency,
          },
        });
        await announce(publish, order!, "");
        return order!;
      });
    },

    cancel: (orderId: string) => transition(orderId, "CANCELLED"),
    ship: (orderId: string) => transition(orderId, "SHIPPED"),
    deliver: (orderId: string) => transition(orderId, "DELIVERED"),

    /**
     * Charges a CONFIRMED order once. The charge runs under the row lock, so a second concurrent call waits,
     * then finds the order PAID and is refused: never two successful charges. A decline is recorded and
     * leaves the order CONFIRMED, to be paid again.
     */
    pay(orderId: string, method: string, charge: ChargeFunction): Promise<OrderRow | null> {
      return transact(async (tx, publish) => {
        const order = await lockOrder(tx, orderId);
        if (!order) return null;
        if (order.status !== "CONFIRMED") throw new IllegalTransition(order.status, "PAID");
        const [attempts] = await tx
          .select({ value: count() })
          .from(payments)
          .where(eq(payments.orderId, orderId));
        const amount = { amountCents: order.totalCents, currency: order.currency };
        const outcome = await charge({ ...amount, method });
        await tx.insert(payments).values({
          orderId,
          attempt: (attempts?.value ?? 0) + 1,
          ...amount,
          method,
          status: outcome.status,
        });
        return outcome.status === "SUCCEEDED" ? move(tx, publish, order, "PAID") : order;
      });
    },

    /**
     * The saga step, inside the event handler's transaction. A PENDING order takes inventory's answer.
     * Stock reserved for an order cancelled meanwhile is handed back by announcing CANCELLED again,
     * which inventory answers by releasing it. Any other late answer changes nothing.
     */
    async applyStockAnswer(tx: Db, orderId: string, answer: StockAnswer): Promise<OrderRow | null> {
      const publish = publisherFor(tx);
      const order = await lockOrder(tx, orderId);
      if (!order) return null;
      if (order.status === "PENDING")
        return move(tx, publish, order, answer === "reserved" ? "CONFIRMED" : "REJECTED");
      if (order.status === "CANCELLED" && answer === "reserved") await announce(publish, order, "CANCELLED");
      return order;
    },
  };
}

export type OrdersRepository = ReturnType<typeof createOrdersRepository>;
