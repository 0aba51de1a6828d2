// blog: articles, from draft to publication and archive, with full-text search.
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers.ts";

export const blog: SubgraphModule<Repositories, Loaders> = {
  name: "blog",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow) => createRepositories(uow),
  createLoaders,
  createResolvers,
};

export default blog;
