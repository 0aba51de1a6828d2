// orders: orders and their items, simulated payments, and the order saga with inventory.
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { ordersEventHandlers } from "./inbound-events.ts";
import { type OrdersLoaders, ordersLoaders } from "./loaders.ts";
import { createOrdersRepository, type OrdersRepository } from "./repositories/index.ts";
import { ordersResolvers } from "./resolvers/index.ts";

export const orders: SubgraphModule<OrdersRepository, OrdersLoaders> = {
  name: "orders",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow) => createOrdersRepository(uow),
  createLoaders: ordersLoaders,
  createResolvers: ordersResolvers,
  createEventHandlers: ordersEventHandlers,
};

export default orders;
