// orders' reactions: keep the price copy current, and take inventory's answer in the order saga.
import type { ConsumerHandlers } from "../../events/consumer/index.ts";
import { Topics } from "../../events/topics.ts";
import type { OrdersRepository } from "./repositories/index.ts";

export function ordersEventHandlers(repo: OrdersRepository): ConsumerHandlers {
  return {
    [Topics.ProductCreated]: async ({ payload, time }, tx) => {
      const { productId, name, priceCents, currency } = payload;
      await repo.remember(tx, { productId, name, priceCents, currency }, time);
    },

    [Topics.ProductUpdated]: async ({ payload, time }, tx) => {
      const { productId, name, priceCents, currency } = payload;
      await repo.remember(tx, { productId, name, priceCents, currency }, time);
    },

    [Topics.ProductDeleted]: async ({ payload, time }, tx) => {
      await repo.forget(tx, payload.productId, time);
    },

    [Topics.StockReserved]: async ({ payload }, tx) => {
      await repo.applyStockAnswer(tx, payload.orderId, "reserved");
    },

    [Topics.StockRejected]: async ({ payload }, tx) => {
      await repo.applyStockAnswer(tx, payload.orderId, "rejected");
    },
  };
}
