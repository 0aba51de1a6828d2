// Per-request batching: every order, item list, payment and customer's order list in one gateway fetch is one query.
import DataLoader from "dataloader";
import type { SubgraphContext } from "../kit/context.ts";
import type { OrderItemRow, OrderRow, PaymentRow } from "./db/schema.ts";
import type { Repositories } from "./repositories/index.ts";

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

export function createLoaders({ orders }: Repositories) {
  const orderById = new DataLoader<string, OrderRow | null>(async (ids) => {
    const byId = new Map((await orders.findByIds(ids)).map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  return {
    orderById,

    itemsByOrderId: new DataLoader<string, OrderItemRow[]>(async (ids) => {
      const byOrder = groupBy(await orders.itemsOf(ids), (r) => r.orderId);
      return ids.map((id) => byOrder.get(id) ?? []);
    }),

    paymentByOrderId: new DataLoader<string, PaymentRow | null>(async (ids) => {
      const byOrder = new Map((await orders.latestPaymentsOf(ids)).map((p) => [p.orderId, p]));
      return ids.map((id) => byOrder.get(id) ?? null);
    }),

    ordersByCustomerId: new DataLoader<string, OrderRow[]>(async (ids) => {
      const rows = await orders.ordersOfCustomers(ids);
      for (const row of rows) orderById.prime(row.id, row);
      const byCustomer = groupBy(rows, (r) => r.customerId);
      return ids.map((id) => byCustomer.get(id) ?? []);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders>;
