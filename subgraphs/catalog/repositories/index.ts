// catalog's repositories, one per aggregate: what server.ts hands to loaders and resolvers.
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { createProductsRepository } from "./products.ts";

export function createRepositories(uow: UnitOfWork) {
  return { products: createProductsRepository(uow) };
}

export type Repositories = ReturnType<typeof createRepositories>;
