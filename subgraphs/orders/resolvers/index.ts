// orders' resolvers: the queries, the Order, OrderItem and User fields, and the mutations from mutation.ts.
import { forbidden } from "../../../platform/errors.ts";
import { canSee, requireViewer } from "../../kit/guards.ts";
import { isId, pageArgs, pageInfo } from "../../kit/validation.ts";
import type { OrderStatus, Resolvers } from "../generated/resolvers-types.ts";
import type { Context } from "../loaders.ts";
import type { Repositories } from "../repositories/index.ts";
import type { OrderFilter } from "../repositories/orders.ts";
import { createMutationResolvers } from "./mutation.ts";

type ListArgs = { page: number; perPage: number; status?: OrderStatus | null };

export function createResolvers(repositories: Repositories): Resolvers<Context> {
  const { orders } = repositories;

  async function page(filter: OrderFilter, args: ListArgs, ctx: Context) {
    const pageArgsValue = pageArgs(args.page, args.perPage);
    const { items, totalItems } = await orders.list({ ...filter, status: args.status }, pageArgsValue);
    for (const order of items) ctx.loaders.orderById.prime(order.id, order);
    return { items, pageInfo: pageInfo(pageArgsValue, totalItems) };
  }

  return {
    Query: {
      /** Another customer's order is FORBIDDEN rather than null: ids are unguessable UUIDs, and saying so helps the client. */
      order: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        if (!isId(args.id)) return null;
        const order = await ctx.loaders.orderById.load(args.id.toLowerCase());
        if (!order) return null;
        if (!canSee(viewer, order.customerId))
          throw forbidden("Only the customer who placed this order and admins may read it.");
        return order;
      },

      myOrders: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        // A viewer whose id is no UUID cannot have placed an order; an impossible id matches nothing.
        const customerId = isId(viewer.id) ? viewer.id.toLowerCase() : "00000000-0000-0000-0000-000000000000";
        return page({ customerId }, args, ctx);
      },

      /** Admins only: @requiresScopes(scopes: [["ADMIN"]]) in orders.graphql. */
      orders: (_, args, ctx) => page({}, args, ctx),
    },

    Mutation: createMutationResolvers(repositories),

    Order: {
      /** References from other subgraphs (the feed's Notification.order) see only what order(id) would show; null otherwise. */
      __resolveReference: async (ref, ctx) => {
        if (!isId(ref.id)) return null;
        const order = await ctx.loaders.orderById.load(ref.id.toLowerCase());
        return order && canSee(ctx.viewer, order.customerId) ? order : null;
      },
      customer: (order) => ({ __typename: "User", id: order.customerId }),
      items: (order, _, ctx) => ctx.loaders.itemsByOrderId.load(order.id),
      payment: (order, _, ctx) => ctx.loaders.paymentByOrderId.load(order.id),
    },

    OrderItem: {
      product: (item) => ({ __typename: "Product", id: item.productId }),
    },

    User: {
      orders: async (user, _, ctx) => {
        if (!canSee(ctx.viewer, user.id))
          throw forbidden("Only the user themself and admins may read a user's orders.");
        return isId(user.id) ? ctx.loaders.ordersByCustomerId.load(user.id.toLowerCase()) : [];
      },
    },
  };
}
