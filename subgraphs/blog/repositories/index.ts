// blog's repositories, one per aggregate: what server.ts hands to loaders and resolvers.
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { createArticlesRepository } from "./articles.ts";

export function createRepositories(uow: UnitOfWork) {
  return { articles: createArticlesRepository(uow) };
}

export type Repositories = ReturnType<typeof createRepositories>;
