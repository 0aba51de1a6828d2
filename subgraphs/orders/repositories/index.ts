// orders' data access in one object: reads, commands and the price copy, over this subgraph's own database.
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { createOrderQueries } from "./order-reads.ts";
import { createOrderCommands } from "./orders.ts";
import { createPriceCopy } from "./product-prices.ts";

export function createOrdersRepository(uow: UnitOfWork) {
  return {
    ...createOrderQueries(uow.db),
    ...createOrderCommands(uow),
    ...createPriceCopy(uow.db),
  };
}

export type OrdersRepository = ReturnType<typeof createOrdersRepository>;
