// catalog's resolvers: validate, call the repository (authorization is in the schema's directives).
import { codedError } from "../../platform/errors.ts";
import { id, isId, pageArgs, pageInfo } from "../kit/validation.ts";
import type { ProductRow } from "./db/schema.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import type { Context } from "./loaders.ts";
import type { Repositories } from "./repositories/index.ts";
import { searchText, validNewProduct, validPatch } from "./validation.ts";

/** Writes reach only products on sale: a discontinued one is as gone as one that never existed. */
const notOnSale = (productId: string) =>
  codedError("NOT_FOUND", `Product ${productId} does not exist or was discontinued.`);

const toGraphQL = (p: ProductRow) => ({ ...p, __typename: "Product" as const });

export function createResolvers({ products }: Repositories): Resolvers<Context> {
  return {
    Query: {
      product: async (_, args, ctx) =>
        isId(args.id) ? ((await ctx.loaders.productById.load(args.id.toLowerCase())) ?? null) : null,

      products: async (_, args, ctx) => {
        const page = pageArgs(args.page, args.perPage);
        const search = searchText(args.search);
        const { items, totalItems } = await products.list({ category: args.category, search }, page);
        for (const item of items) ctx.loaders.productById.prime(item.id, item);
        return { items: items.map(toGraphQL), pageInfo: pageInfo(page, totalItems) };
      },
    },

    // Admins only: @requiresScopes(scopes: [["ADMIN"]]) in catalog.graphql, checked before these run.
    Mutation: {
      createProduct: async (_, args) => products.create(validNewProduct(args.input)),

      updateProduct: async (_, args) => {
        const productId = id(args.id, "id");
        const updated = await products.update(productId, validPatch(args.input));
        if (!updated) throw notOnSale(args.id);
        return updated;
      },

      deleteProduct: async (_, args) => {
        // Discontinued, never erased (see ProductsRepository.discontinue); a second delete finds nothing on sale.
        const discontinued = await products.discontinue(id(args.id, "id"));
        if (!discontinued) throw notOnSale(args.id);
        return true;
      },
    },

    Product: {
      discontinued: (p) => p.discontinuedAt !== null,
      __resolveReference: (ref, ctx) =>
        isId(ref.id) ? ctx.loaders.productById.load(ref.id.toLowerCase()) : null,
    },
  };
}
