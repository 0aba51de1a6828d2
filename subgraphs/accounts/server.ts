// accounts: users, their credentials and roles; signs the access tokens every other part verifies.
import { join } from "node:path";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import type { SubgraphModule } from "../kit/module.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers.ts";

export const accounts: SubgraphModule<Repositories, Loaders> = {
  name: "accounts",
  migrationsFolder: join(PROJECT_ROOT, "subgraphs/accounts/migrations"),
  createRepositories: (uow, config) => createRepositories(uow, config),
  createLoaders,
  createResolvers,
  async onStart(repo, config) {
    await Promise.all([repo.ensureAdmin(config.admin), repo.passwords.prepareDecoy()]);
  },
};

export default accounts;
