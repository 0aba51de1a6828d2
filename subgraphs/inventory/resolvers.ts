// inventory's resolvers: stock on Product, and setStock for admins.
import { codedError, conflict } from "../../platform/errors.ts";
import { isId } from "../kit/validation.ts";
import type { StockRow } from "./db/schema.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import type { Context } from "./loaders.ts";
import type { Repositories } from "./repositories/index.ts";
import { ReservedStockConflict, UnknownProduct } from "./repositories/stock.ts";
import { validSetStock } from "./validation.ts";

/** The parent of every Product field here (generated/resolvers-types.ts maps Product to it). */
export interface ProductStock {
  __typename: "Product";
  id: string;
  onHand: number;
  reserved: number;
  /** What may still be ordered: nothing once discontinued, whatever is left on the shelf. */
  available: number;
}

/** A product inventory has no row for has nothing on hand. */
function productStock(productId: string, row: StockRow | null): ProductStock {
  const onHand = row?.onHand ?? 0;
  const reserved = row?.reserved ?? 0;
  const available = row && !row.discontinuedAt ? onHand - reserved : 0;
  return { __typename: "Product", id: productId, onHand, reserved, available };
}

export function createResolvers({ stock }: Repositories): Resolvers<Context> {
  return {
    // Admins only: @requiresScopes(scopes: [["ADMIN"]]) in inventory.graphql, checked before this runs.
    Mutation: {
      setStock: async (_, args) => {
        const { productId, quantity } = validSetStock(args);
        try {
          return productStock(productId, await stock.setStockOnceKnown(productId, quantity));
        } catch (error) {
          if (error instanceof ReservedStockConflict) throw conflict(error.message);
          if (error instanceof UnknownProduct) throw codedError("NOT_FOUND", error.message);
          throw error;
        }
      },
    },

    Product: {
      __resolveReference: async (ref, ctx) => {
        const row = isId(ref.id) ? await ctx.loaders.stockByProductId.load(ref.id.toLowerCase()) : null;
        return productStock(ref.id, row);
      },
      stock: (p) => p.available,
      // onHand, reserved and available are plain properties; onHand and reserved are admins only (schema).
      inStock: (p) => p.available > 0,
    },
  };
}
