// inventory's input rules: setStock's product id and quantity, each failure naming its field.
import { id, intInRange } from "../kit/validation.ts";
import type { MutationSetStockArgs } from "./generated/resolvers-types.ts";

const MAX_STOCK = 10_000_000;

export function validSetStock(args: MutationSetStockArgs): { productId: string; quantity: number } {
  return {
    productId: id(args.productId, "productId"),
    quantity: intInRange(args.quantity, "quantity", 0, MAX_STOCK),
  };
}
