// Per-request batching: every Product reference in one gateway fetch becomes one stock query.
import DataLoader from "dataloader";
import type { SubgraphContext } from "../kit/context.ts";
import type { StockRow } from "./db/schema.ts";
import type { Repositories } from "./repositories/index.ts";

export function createLoaders({ stock }: Repositories) {
  return {
    stockByProductId: new DataLoader<string, StockRow | null>(async (ids) => {
      const rows = await stock.findByProductIds(ids);
      const byId = new Map(rows.map((r) => [r.productId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders>;
