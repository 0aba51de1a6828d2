// inventory: units on hand and reserved per product; reserves stock for the order saga.
import { join } from "node:path";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import type { SubgraphModule } from "../kit/module.ts";
import { createInboundEventHandlers } from "./inbound-events.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers.ts";

export const inventory: SubgraphModule<Repositories, Loaders> = {
  name: "inventory",
  migrationsFolder: join(PROJECT_ROOT, "subgraphs/inventory/migrations"),
  createRepositories: (uow, config) => createRepositories(uow, config.lowStockThreshold),
  createLoaders,
  createResolvers,
  createEventHandlers: createInboundEventHandlers,
};

export default inventory;
