// blog: articles, from draft to publication and archive, with full-text search.
import { join } from "node:path";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import type { SubgraphModule } from "../kit/module.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers.ts";

export const blog: SubgraphModule<Repositories, Loaders> = {
  name: "blog",
  migrationsFolder: join(PROJECT_ROOT, "subgraphs/blog/migrations"),
  createRepositories: (uow) => createRepositories(uow),
  createLoaders,
  createResolvers,
};

export default blog;
