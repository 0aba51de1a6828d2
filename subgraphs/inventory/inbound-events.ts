// inventory's reactions: track catalog's products, and the reservation step of the order saga.
import type { ConsumerHandlers } from "../../events/consumer/index.ts";
import { Topics } from "../../events/topics.ts";
import { publisherFor } from "../kit/unit-of-work.ts";
import type { InventoryRepository } from "./repositories/stock.ts";

export function inventoryEventHandlers(repo: InventoryRepository): ConsumerHandlers {
  return {
    [Topics.ProductCreated]: async (event, tx) => {
      await repo.trackProduct(tx, event.payload.productId);
    },

    [Topics.ProductDeleted]: async (event, tx) => {
      // catalog never erases a product; "deleted" means discontinued (see subgraphs/catalog/repositories/products.ts).
      await repo.discontinueProduct(tx, event.payload.productId);
    },

    [Topics.OrderPlaced]: async (event, tx) => {
      const { orderId, lines } = event.payload;
      const outcome = await repo.reserveForOrder(tx, orderId, lines);
      const publish = publisherFor(tx);
      const entity = { typename: "Order", id: orderId };
      if (outcome.reserved) {
        await publish({
          topic: Topics.StockReserved,
          key: orderId,
          payload: {
            entity,
            orderId,
            lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
          },
        });
      } else {
        await publish({
          topic: Topics.StockRejected,
          key: orderId,
          payload: { entity, orderId, reason: outcome.reason, productId: outcome.productId },
        });
      }
    },

    [Topics.OrderStatusChanged]: async (event, tx) => {
      const { orderId, status } = event.payload;
      if (status === "CANCELLED") await repo.releaseForOrder(tx, orderId);
      if (status === "SHIPPED") await repo.commitForOrder(tx, orderId);
    },
  };
}
