// catalog: products, their prices and categories.
import { join } from "node:path";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import type { SubgraphModule } from "../kit/module.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers.ts";

export const catalog: SubgraphModule<Repositories, Loaders> = {
  name: "catalog",
  migrationsFolder: join(PROJECT_ROOT, "subgraphs/catalog/migrations"),
  createRepositories: (uow) => createRepositories(uow),
  createLoaders,
  createResolvers,
};

export default catalog;
