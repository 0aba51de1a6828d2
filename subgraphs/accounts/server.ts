// accounts: users, their credentials and roles; signs the access tokens every other part verifies.
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { type AccountsLoaders, accountsLoaders } from "./loaders.ts";
import { type AccountsRepository, createAccountsRepository } from "./repositories/index.ts";
import { accountsResolvers } from "./resolvers.ts";

export const accounts: SubgraphModule<AccountsRepository, AccountsLoaders> = {
  name: "accounts",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow, config) => createAccountsRepository(uow, config),
  createLoaders: accountsLoaders,
  createResolvers: accountsResolvers,
  async onStart(repo, config) {
    await Promise.all([repo.ensureAdmin(config.admin), repo.passwords.prepareDecoy()]);
  },
};

export default accounts;
