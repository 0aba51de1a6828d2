// inventory's repositories, one per aggregate: what server.ts hands to loaders, resolvers and inbound events.
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { createStockRepository } from "./stock.ts";

export function createRepositories(uow: UnitOfWork, lowStockThreshold: number) {
  return { stock: createStockRepository(uow, lowStockThreshold) };
}

export type Repositories = ReturnType<typeof createRepositories>;
