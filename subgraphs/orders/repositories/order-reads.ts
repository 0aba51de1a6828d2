// Reading orders: by id, by customer, paged lists, and their items and latest payments, each in one query.
import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Db } from "../../kit/database.ts";
import type { PageArgs } from "../../kit/validation.ts";
import {
  type OrderItemRow,
  type OrderRow,
  orderItems,
  orders,
  type PaymentRow,
  payments,
} from "../db/schema.ts";
import type { OrderStatus } from "../status.ts";

export interface OrderFilter {
  customerId?: string;
  status?: OrderStatus | null;
}

const newestFirst = [desc(orders.createdAt), desc(orders.id)] as const;

export function createOrderQueries(db: Db) {
  return {
    async findByIds(ids: readonly string[]): Promise<OrderRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(orders)
        .where(inArray(orders.id, [...ids]));
    },

    async list(filter: OrderFilter, page: PageArgs): Promise<{ items: OrderRow[]; totalItems: number }> {
      const conditions: SQL[] = [];
      if (filter.customerId) conditions.push(eq(orders.customerId, filter.customerId));
      if (filter.status) conditions.push(eq(orders.status, filter.status));
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const [items, [total]] = await Promise.all([
        db
          .select()
          .from(orders)
          .where(where)
          .orderBy(...newestFirst)
          .limit(page.perPage)
          .offset(page.offset),
        db.select({ value: count() }).from(orders).where(where),
      ]);
      return { items, totalItems: total?.value ?? 0 };
    },

    /** Every order of every given customer, newest first: one query however many users the gateway asks about. */
    async ordersOfCustomers(customerIds: readonly string[]): Promise<OrderRow[]> {
      if (customerIds.length === 0) return [];
      return db
        .select()
        .from(orders)
        .where(inArray(orders.customerId, [...customerIds]))
        .orderBy(...newestFirst);
    },

    async itemsOf(orderIds: readonly string[]): Promise<OrderItemRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .select()
        .from(orderItems)
        .where(inArray(orderItems.orderId, [...orderIds]))
        .orderBy(orderItems.orderId, orderItems.position);
    },

    /** The latest payment attempt of each order that has one. */
    async latestPaymentsOf(orderIds: readonly string[]): Promise<PaymentRow[]> {
      if (orderIds.length === 0) return [];
      return db
        .selectDistinctOn([payments.orderId])
        .from(payments)
        .where(inArray(payments.orderId, [...orderIds]))
        .orderBy(payments.orderId, desc(payments.attempt));
    },
  };
}

export type OrderQueries = ReturnType<typeof createOrderQueries>;
