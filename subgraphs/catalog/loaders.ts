// Per-request batching: every Product reference in one gateway fetch becomes one query.
import DataLoader from "dataloader";
import type { SubgraphContext } from "../kit/context.ts";
import type { ProductRow } from "./db/schema.ts";
import type { Repositories } from "./repositories/index.ts";

export function createLoaders({ products }: Repositories) {
  return {
    productById: new DataLoader<string, ProductRow | null>(async (ids) => {
      const rows = await products.findByIds(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders>;
