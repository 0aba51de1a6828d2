// orders' data access in one object: reads, commands and the price copy, over this subgraph's own database.
import type { UnitOfWork } from "../kit/unit-of-work.ts";
import { createOrderCommands } from "./order-commands.ts";
import { createOrderQueries } from "./order-queries.ts";
import { createPriceCopy } from "./price-copy.ts";

export function createOrdersRepository(uow: UnitOfWork) {
  return {
    ...createOrderQueries(uow.db),
    ...createOrderCommands(uow),
    ...createPriceCopy(uow.db),
  };
}

export type OrdersRepository = ReturnType<typeof createOrdersRepository>;
