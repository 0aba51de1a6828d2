// catalog's resolvers: validate, call the repository (authorization is in the schema's directives).
import { badInput, codedError } from "../../platform/errors.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { id, intInRange, isId, optionalText, pageArgs, pageInfo, text } from "../kit/validation.ts";
import type { ProductRow } from "./db/schema.ts";
import type { CatalogLoaders } from "./loaders.ts";
import type { CatalogRepository, NewProduct, ProductPatch } from "./repositories/products.ts";

type Context = SubgraphContext<CatalogLoaders>;

interface CreateProductInput {
  name: string;
  description?: string | null;
  priceCents: number;
  currency?: string | null;
  category: string;
}

type UpdateProductInput = Partial<CreateProductInput>;

const MAX_PRICE_CENTS = 100_000_000;

function currency(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code))
    throw badInput("currency must be a three-letter ISO 4217 code such as USD.", "currency");
  return code;
}

function validNewProduct(input: CreateProductInput): NewProduct {
  return {
    name: text(input.name, "name", { max: 200 }),
    description: optionalText(input.description, "description", { max: 5000 }),
    priceCents: intInRange(input.priceCents, "priceCents", 0, MAX_PRICE_CENTS),
    currency: currency(input.currency ?? "USD"),
    category: text(input.category, "category", { max: 100 }),
  };
}

function validPatch(input: UpdateProductInput): ProductPatch {
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

/** Writes reach only products on sale: a discontinued one is as gone as one that never existed. */
const notOnSale = (productId: string) =>
  codedError("NOT_FOUND", `Product ${productId} does not exist or was discontinued.`);

const toGraphQL = (p: ProductRow) => ({ ...p, __typename: "Product" as const });

export function catalogResolvers(repo: CatalogRepository) {
  return {
    Query: {
      product: async (_: unknown, args: { id: string }, ctx: Context) =>
        isId(args.id) ? ((await ctx.loaders.productById.load(args.id.toLowerCase())) ?? null) : null,

      products: async (
        _: unknown,
        args: { page: number; perPage: number; category?: string | null; search?: string | null },
        ctx: Context,
      ) => {
        const page = pageArgs(args.page, args.perPage);
        const search = args.search ? text(args.search, "search", { max: 200 }) : null;
        const { items, totalItems } = await repo.list({ category: args.category, search }, page);
        for (const item of items) ctx.loaders.productById.prime(item.id, item);
        return { items: items.map(toGraphQL), pageInfo: pageInfo(page, totalItems) };
      },
    },

    // Admins only: @requiresScopes(scopes: [["ADMIN"]]) in catalog.graphql, checked before these run.
    Mutation: {
      createProduct: async (_: unknown, args: { input: CreateProductInput }) =>
        repo.create(validNewProduct(args.input)),

      updateProduct: async (_: unknown, args: { id: string; input: UpdateProductInput }) => {
        const productId = id(args.id, "id");
        const updated = await repo.update(productId, validPatch(args.input));
        if (!updated) throw notOnSale(args.id);
        return updated;
      },

      deleteProduct: async (_: unknown, args: { id: string }) => {
        // Discontinued, never erased (see CatalogRepository.discontinue); a second delete finds nothing on sale.
        const discontinued = await repo.discontinue(id(args.id, "id"));
        if (!discontinued) throw notOnSale(args.id);
        return true;
      },
    },

    Product: {
      discontinued: (p: ProductRow) => p.discontinuedAt !== null,
      __resolveReference: (ref: { id: string }, ctx: Context) =>
        isId(ref.id) ? ctx.loaders.productById.load(ref.id.toLowerCase()) : null,
    },
  };
}
