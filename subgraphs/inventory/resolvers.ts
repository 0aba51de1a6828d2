// inventory's resolvers: stock on Product, and setStock for admins.
import { conflict } from "../../platform/errors.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { id, intInRange, isId } from "../kit/validation.ts";
import type { StockRow } from "./db/schema.ts";
import type { InventoryLoaders } from "./loaders.ts";
import { type InventoryRepository, ReservedStockConflict } from "./repository.ts";

type Context = SubgraphContext<InventoryLoaders>;

interface ProductStock {
  __typename: "Product";
  id: string;
  available: number;
}

const MAX_STOCK = 10_000_000;

function productStock(productId: string, row: StockRow | null): ProductStock {
  return { __typename: "Product", id: productId, available: row ? row.onHand - row.reserved : 0 };
}

export function inventoryResolvers(repo: InventoryRepository) {
  return {
    // Admins only: @requiresScopes(scopes: [["ADMIN"]]) in inventory.graphql, checked before this runs.
    Mutation: {
      setStock: async (_: unknown, args: { productId: string; quantity: number }) => {
        const productId = id(args.productId, "productId");
        const quantity = intInRange(args.quantity, "quantity", 0, MAX_STOCK);
        try {
          return productStock(productId, await repo.setStock(productId, quantity));
        } catch (error) {
          if (error instanceof ReservedStockConflict) throw conflict(error.message);
          throw error;
        }
      },
    },

    Product: {
      __resolveReference: async (ref: { id: string }, ctx: Context) => {
        const row = isId(ref.id) ? await ctx.loaders.stockByProductId.load(ref.id.toLowerCase()) : null;
        return productStock(ref.id, row);
      },
      stock: (p: ProductStock) => p.available,
      inStock: (p: ProductStock) => p.available > 0,
    },
  };
}
