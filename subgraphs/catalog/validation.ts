// catalog's input rules: product fields and prices, each failure naming its field.
import { badInput } from "../../platform/errors.ts";
import { intInRange, optionalText, text } from "../kit/validation.ts";
import type { CreateProductInput, UpdateProductInput } from "./generated/resolvers-types.ts";
import type { NewProduct, ProductPatch } from "./repositories/products.ts";

const MAX_PRICE_CENTS = 100_000_000;

function currency(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code))
    throw badInput("currency must be a three-letter ISO 4217 code such as USD.", "currency");
  return code;
}

export function validNewProduct(input: CreateProductInput): NewProduct {
  return {
    name: text(input.name, "name", { max: 200 }),
    description: optionalText(input.description, "description", { max: 5000 }),
    priceCents: intInRange(input.priceCents, "priceCents", 0, MAX_PRICE_CENTS),
    currency: currency(input.currency ?? "USD"),
    category: text(input.category, "category", { max: 100 }),
  };
}

export function validPatch(input: UpdateProductInput): ProductPatch {
  const patch: ProductPatch = {};
  if (input.name != null) patch.name = text(input.name, "name", { max: 200 });
  if (input.description !== undefined)
    patch.description = optionalText(input.description, "description", { max: 5000 });
  if (input.priceCents != null)
    patch.priceCents = intInRange(input.priceCents, "priceCents", 0, MAX_PRICE_CENTS);
  if (input.category != null) patch.category = text(input.category, "category", { max: 100 });
  if (Object.keys(patch).length === 0) throw badInput("Give at least one field to change.", "input");
  return patch;
}

/** Search text has the same length rule as a name. */
export function searchText(value: string | null | undefined): string | null {
  return value ? text(value, "search", { max: 200 }) : null;
}
