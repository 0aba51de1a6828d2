// orders' reactions to other subgraphs' events: keep the price copy current, and take inventory's answer in the
// order saga. Each runs in the consumer's transaction; the repository writes any answer to the outbox in it.
import type { ConsumerHandlers } from "../../events/consumer/index.ts";
import { Topics } from "../../events/topics.ts";
import type { Repositories } from "./repositories/index.ts";

export function createInboundEventHandlers({ orders, productPrices }: Repositories): ConsumerHandlers {
  return {
    [Topics.ProductCreated]: async ({ payload, time }, tx) => {
      const { productId, name, priceCents, currency } = payload;
      await productPrices.remember(tx, { productId, name, priceCents, currency }, time);
    },

    [Topics.ProductUpdated]: async ({ payload, time }, tx) => {
      const { productId, name, priceCents, currency } = payload;
      await productPrices.remember(tx, { productId, name, priceCents, currency }, time);
    },

    [Topics.ProductDeleted]: async ({ payload, time }, tx) => {
      await productPrices.forget(tx, payload.productId, time);
    },

    [Topics.StockReserved]: async ({ payload }, tx) => {
      await orders.applyStockAnswer(tx, payload.orderId, "reserved");
    },

    [Topics.StockRejected]: async ({ payload }, tx) => {
      await orders.applyStockAnswer(tx, payload.orderId, "rejected");
    },
  };
}
