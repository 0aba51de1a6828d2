// Sample events for the event kit's tests: well-formed outbox events without a running subgraph.
import { Topics } from "../topics.ts";

/** inventory's stock change of one product: `available` units on hand after a `set`. */
export const stockChangedEvent = (productId: string, available: number) => ({
  topic: Topics.StockChanged,
  key: productId,
  payload: {
    entity: { typename: "Product", id: productId },
    productId,
    quantity: available,
    available,
    reason: "set",
  },
});
