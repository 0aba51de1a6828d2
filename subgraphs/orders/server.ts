// orders: orders and their items, simulated payments, and the order saga with inventory.
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { createInboundEventHandlers } from "./inbound-events.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers/index.ts";

export const orders: SubgraphModule<Repositories, Loaders> = {
  name: "orders",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow) => createRepositories(uow),
  createLoaders,
  createResolvers,
  createEventHandlers: createInboundEventHandlers,
};

export default orders;
