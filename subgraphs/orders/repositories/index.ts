// orders' repositories, one per aggregate: what server.ts hands to loaders, resolvers and inbound events.
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { createOrdersRepository } from "./orders.ts";
import { createProductPricesRepository } from "./product-prices.ts";

export function createRepositories(uow: UnitOfWork) {
  return { orders: createOrdersRepository(uow), productPrices: createProductPricesRepository(uow.db) };
}

export type Repositories = ReturnType<typeof createRepositories>;
