// inventory's reactions to other subgraphs' events: track catalog's products, and the reservation step of the
// order saga. Each runs in the consumer's transaction; the repository writes any answer to the outbox in it.
import type { ConsumerHandlers } from "../../events/consumer/index.ts";
import { Topics } from "../../events/topics.ts";
import type { Repositories } from "./repositories/index.ts";

export function createInboundEventHandlers({ stock }: Repositories): ConsumerHandlers {
  return {
    [Topics.ProductCreated]: async (event, tx) => {
      await stock.trackProduct(tx, event.payload.productId);
    },

    [Topics.ProductDeleted]: async (event, tx) => {
      // catalog never erases a product; "deleted" means discontinued (see subgraphs/catalog/repositories/products.ts).
      await stock.discontinueProduct(tx, event.payload.productId);
    },

    [Topics.OrderPlaced]: async (event, tx) => {
      await stock.reserveForOrder(tx, event.payload.orderId, event.payload.lines);
    },

    [Topics.OrderStatusChanged]: async (event, tx) => {
      const { orderId, status } = event.payload;
      if (status === "CANCELLED") await stock.releaseForOrder(tx, orderId);
      if (status === "SHIPPED") await stock.commitForOrder(tx, orderId);
    },
  };
}
