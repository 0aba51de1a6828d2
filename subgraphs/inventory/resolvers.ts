// inventory's resolvers: stock on Product, and setStock for admins.
import { codedError, conflict } from "../../platform/errors.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { id, intInRange, isId } from "../kit/validation.ts";
import type { StockRow } from "./db/schema.ts";
import type { InventoryLoaders } from "./loaders.ts";
import { type InventoryRepository, ReservedStockConflict, UnknownProduct } from "./repositories/stock.ts";

type Context = SubgraphContext<InventoryLoaders>;

interface ProductStock {
  __typename: "Product";
  id: string;
  onHand: number;
  reserved: number;
  /** What may still be ordered: nothing once discontinued, whatever is left on the shelf. */
  available: number;
}

const MAX_STOCK = 10_000_000;

/** A product inventory has no row for has nothing on hand. */
function productStock(productId: string, row: StockRow | null): ProductStock {
  const onHand = row?.onHand ?? 0;
  const reserved = row?.reserved ?? 0;
  const available = row && !row.discontinuedAt ? onHand - reserved : 0;
  return { __typename: "Product", id: productId, onHand, reserved, available };
}

export function inventoryResolvers(repo: InventoryRepository) {
  return {
    // Admins only: @requiresScopes(scopes: [["ADMIN"]]) in inventory.graphql, checked before this runs.
    Mutation: {
      setStock: async (_: unknown, args: { productId: string; quantity: number }) => {
        const productId = id(args.productId, "productId");
        const quantity = intInRange(args.quantity, "quantity", 0, MAX_STOCK);
        try {
          return productStock(productId, await repo.setStockOnceKnown(productId, quantity));
        } catch (error) {
          if (error instanceof ReservedStockConflict) throw conflict(error.message);
          if (error instanceof UnknownProduct) throw codedError("NOT_FOUND", error.message);
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
      // onHand, reserved and available are plain properties; onHand and reserved are admins only (schema).
      inStock: (p: ProductStock) => p.available > 0,
    },
  };
}
