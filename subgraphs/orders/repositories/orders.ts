// Changing orders: placing, the status transitions and payment, each under the order's row lock with its events.
import { and, count, eq } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import type { Db } from "../../kit/database.ts";
import { type Publish, publisherFor, type UnitOfWork } from "../../kit/unit-of-work.ts";
import { type OrderRow, orderItems, orders, payments } from "../db/schema.ts";
import type { ChargeFunction } from "../payments/processor.ts";
import { assertTransition, IllegalTransition, type OrderStatus } from "../status.ts";
import type { PricedOrder } from "../validation.ts";

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

export function createOrderCommands({ transact }: UnitOfWork) {
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

export type OrderCommands = ReturnType<typeof createOrderCommands>;
