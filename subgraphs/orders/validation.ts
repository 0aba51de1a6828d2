// orders' input rules: placeOrder's lines, priced from orders' copy of the catalogue, and payOrder's method.
// Pure: resolvers call them before writing.
import { badInput } from "../../platform/errors.ts";
import { id, intInRange } from "../kit/validation.ts";
import type { PlaceOrderInput } from "./generated/resolvers-types.ts";
import { ACCEPTED_METHODS, isAcceptedMethod } from "./payments/processor.ts";
import type { PricedOrder, RequestedLine } from "./repositories/orders.ts";

export const MAX_LINES = 50;
export const MAX_QUANTITY = 1000;
/** Totals are Postgres integers and int32 in the events. */
const MAX_TOTAL_CENTS = 2_147_483_647;

export interface PriceCopy {
  productId: string;
  name: string;
  priceCents: number;
  currency: string;
  deleted: boolean;
}

const field = (index: number, name: "productId" | "quantity") => `input.items[${index}].${name}`;

/** Shape checks that need no database: ids, quantities, line count, no product twice. */
export function requestedLines(input: PlaceOrderInput): RequestedLine[] {
  const { items } = input;
  if (items.length === 0) throw badInput("An order needs at least one item.", "input.items");
  if (items.length > MAX_LINES)
    throw badInput(`An order has at most ${MAX_LINES} lines; this one has ${items.length}.`, "input.items");
  const seen = new Set<string>();
  return items.map((item, index) => {
    const productId = id(item.productId, field(index, "productId"));
    const quantity = intInRange(item.quantity, field(index, "quantity"), 1, MAX_QUANTITY);
    // One line per product: stock is reserved per (order, product), and two lines would only confuse.
    if (seen.has(productId))
      throw badInput(
        `Product ${productId} appears on more than one line; put the whole quantity on one.`,
        field(index, "productId"),
      );
    seen.add(productId);
    return { productId, quantity };
  });
}

/** Prices every line at the copy's current price; unknown, discontinued and mixed-currency products are refused. */
export function priceLines(lines: RequestedLine[], prices: ReadonlyMap<string, PriceCopy>): PricedOrder {
  let currency: string | undefined;
  let totalCents = 0;
  const priced = lines.map((line, index) => {
    const price = prices.get(line.productId);
    if (price?.deleted)
      throw badInput(
        `${price.name || `Product ${line.productId}`} was discontinued and can no longer be ordered.`,
        field(index, "productId"),
      );
    if (!price) throw badInput(`Product ${line.productId} is not for sale.`, field(index, "productId"));
    currency ??= price.currency;
    if (price.currency !== currency)
      throw badInput(
        `An order is paid in one currency: ${price.name} costs ${price.currency}, the first item ${currency}.`,
        field(index, "productId"),
      );
    totalCents += price.priceCents * line.quantity;
    return { ...line, unitPriceCents: price.priceCents, productName: price.name };
  });
  if (totalCents > MAX_TOTAL_CENTS)
    throw badInput("The order total is too large; split it into several orders.", "input.items");
  return { lines: priced, totalCents, currency: currency! };
}

/** The simulated processor takes only its test tokens. */
export function paymentMethod(value: string): string {
  if (!isAcceptedMethod(value))
    throw badInput(`method must be one of the test tokens ${ACCEPTED_METHODS.join(", ")}.`, "method");
  return value;
}
