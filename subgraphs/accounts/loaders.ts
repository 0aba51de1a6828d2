// Per-request batching: every User reference in one gateway fetch becomes one query.
import DataLoader from "dataloader";
import type { AccountsRepository } from "./repositories/index.ts";
import type { User } from "./repositories/users.ts";

export function accountsLoaders(repo: AccountsRepository) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => {
      const rows = await repo.users.findByIds(ids);
      const byId = new Map(rows.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type AccountsLoaders = ReturnType<typeof accountsLoaders>;
