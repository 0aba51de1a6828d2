// Per-request batching: every Product reference in one gateway fetch becomes one query.
import DataLoader from "dataloader";
import type { ProductRow } from "./db/schema.ts";
import type { CatalogRepository } from "./repositories/products.ts";

export function catalogLoaders(repo: CatalogRepository) {
  return {
    productById: new DataLoader<string, ProductRow | null>(async (ids) => {
      const rows = await repo.findByIds(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type CatalogLoaders = ReturnType<typeof catalogLoaders>;
