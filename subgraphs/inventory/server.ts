// inventory: units on hand and reserved per product; reserves stock for the order saga.
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { inventoryEventHandlers } from "./inbound-events.ts";
import { type InventoryLoaders, inventoryLoaders } from "./loaders.ts";
import { createInventoryRepository, type InventoryRepository } from "./repositories/stock.ts";
import { inventoryResolvers } from "./resolvers.ts";

export const inventory: SubgraphModule<InventoryRepository, InventoryLoaders> = {
  name: "inventory",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow, config) => createInventoryRepository(uow, config.lowStockThreshold),
  createLoaders: inventoryLoaders,
  createResolvers: inventoryResolvers,
  createEventHandlers: inventoryEventHandlers,
};

export default inventory;
