// Per-request batching: every User reference in one gateway fetch becomes one query.
import DataLoader from "dataloader";
import type { SubgraphContext } from "../kit/context.ts";
import type { Repositories } from "./repositories/index.ts";
import type { User } from "./repositories/users.ts";

export function createLoaders({ users }: Repositories) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => {
      const rows = await users.findByIds(ids);
      const byId = new Map(rows.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders>;
