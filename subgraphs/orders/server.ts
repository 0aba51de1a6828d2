// orders: orders and their items, simulated payments, and the order saga with inventory.
import { join } from "node:path";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import type { SubgraphModule } from "../kit/module.ts";
import { createInboundEventHandlers } from "./inbound-events.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers/index.ts";

export const orders: SubgraphModule<Repositories, Loaders> = {
  name: "orders",
  migrationsFolder: join(PROJECT_ROOT, "subgraphs/orders/migrations"),
  createRepositories: (uow) => createRepositories(uow),
  createLoaders,
  createResolvers,
  createEventHandlers: createInboundEventHandlers,
};

export default orders;
