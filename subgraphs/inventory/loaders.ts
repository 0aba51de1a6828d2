// Per-request batching: every Product reference in one gateway fetch becomes one stock query.
import DataLoader from "dataloader";
import type { StockRow } from "./db/schema.ts";
import type { InventoryRepository } from "./repositories/stock.ts";

export function inventoryLoaders(repo: InventoryRepository) {
  return {
    stockByProductId: new DataLoader<string, StockRow | null>(async (ids) => {
      const rows = await repo.findByProductIds(ids);
      const byId = new Map(rows.map((r) => [r.productId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type InventoryLoaders = ReturnType<typeof inventoryLoaders>;
