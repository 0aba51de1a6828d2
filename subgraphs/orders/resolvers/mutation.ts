// orders' mutations: validate, authorize, call the repository; refused transitions become CONFLICT.
import { conflict, forbidden, notFound } from "../../../platform/errors.ts";
import { requireOwnerOrAdmin, requireViewer } from "../../kit/guards.ts";
import { id, isId } from "../../kit/validation.ts";
import type { OrderRow } from "../db/schema.ts";
import type { MutationResolvers } from "../generated/resolvers-types.ts";
import type { Context } from "../loaders.ts";
import { charge } from "../payments/processor.ts";
import type { Repositories } from "../repositories/index.ts";
import { IllegalTransition } from "../status.ts";
import { paymentMethod, priceLines, requestedLines } from "../validation.ts";

/** The order must exist and belong to the viewer (or the viewer is an admin); its owner never changes, so no lock is needed. */
async function ownedOrderId(ctx: Context, rawId: string): Promise<string> {
  requireViewer(ctx);
  const orderId = id(rawId, "orderId");
  const order = await ctx.loaders.orderById.load(orderId);
  if (!order) throw notFound("Order", rawId);
  requireOwnerOrAdmin(ctx, order.customerId);
  return orderId;
}

/** Runs a command on one order and forgets what this request had cached about it. */
async function perform(
  ctx: Context,
  orderId: string,
  run: () => Promise<OrderRow | null>,
): Promise<OrderRow> {
  let row: OrderRow | null;
  try {
    row = await run();
  } catch (error) {
    if (error instanceof IllegalTransition) throw conflict(error.message);
    throw error;
  }
  if (!row) throw notFound("Order", orderId);
  ctx.loaders.orderById.clear(orderId).prime(orderId, row);
  ctx.loaders.paymentByOrderId.clear(orderId);
  return row;
}

export function createMutationResolvers({ orders, productPrices }: Repositories): MutationResolvers<Context> {
  return {
    placeOrder: async (_, args, ctx) => {
      const viewer = requireViewer(ctx);
      // Customer ids are UUIDs; a token for anything else cannot own an order.
      if (!isId(viewer.id)) throw forbidden("This account cannot place orders.");
      const lines = requestedLines(args.input);
      const prices = await productPrices.pricesFor(lines.map((l) => l.productId));
      return orders.place(viewer.id.toLowerCase(), priceLines(lines, prices));
    },

    payOrder: async (_, args, ctx) => {
      requireViewer(ctx);
      id(args.orderId, "orderId");
      const method = paymentMethod(args.method);
      const orderId = await ownedOrderId(ctx, args.orderId);
      return perform(ctx, orderId, () => orders.pay(orderId, method, charge));
    },

    cancelOrder: async (_, args, ctx) => {
      const orderId = await ownedOrderId(ctx, args.orderId);
      return perform(ctx, orderId, () => orders.cancel(orderId));
    },

    // Admins only: @requiresScopes(scopes: [["ADMIN"]]) in orders.graphql, checked before these run.
    shipOrder: async (_, args, ctx) => {
      const orderId = id(args.orderId, "orderId");
      return perform(ctx, orderId, () => orders.ship(orderId));
    },

    deliverOrder: async (_, args, ctx) => {
      const orderId = id(args.orderId, "orderId");
      return perform(ctx, orderId, () => orders.deliver(orderId));
    },
  };
}
