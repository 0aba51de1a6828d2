// orders' mutations: validate, authorize, call the repository; refused transitions become CONFLICT.
import { badInput, conflict, forbidden, notFound } from "../../../platform/errors.ts";
import type { SubgraphContext } from "../../kit/context.ts";
import { requireOwnerOrAdmin, requireViewer } from "../../kit/guards.ts";
import { id, isId } from "../../kit/validation.ts";
import type { OrderRow } from "../db/schema.ts";
import type { OrdersLoaders } from "../loaders.ts";
import { ACCEPTED_METHODS, charge, isAcceptedMethod } from "../payments/processor.ts";
import type { OrdersRepository } from "../repositories/index.ts";
import { IllegalTransition } from "../status.ts";
import { type PlaceOrderInput, priceLines, requestedLines } from "../validation.ts";

type Context = SubgraphContext<OrdersLoaders>;
type OrderArgs = { orderId: string };

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

export function ordersMutations(repo: OrdersRepository) {
  return {
    placeOrder: async (_: unknown, args: { input: PlaceOrderInput }, ctx: Context) => {
      const viewer = requireViewer(ctx);
      // Customer ids are UUIDs; a token for anything else cannot own an order.
      if (!isId(viewer.id)) throw forbidden("This account cannot place orders.");
      const lines = requestedLines(args.input);
      const prices = await repo.pricesFor(lines.map((l) => l.productId));
      return repo.place(viewer.id.toLowerCase(), priceLines(lines, prices));
    },

    payOrder: async (_: unknown, args: OrderArgs & { method: string }, ctx: Context) => {
      requireViewer(ctx);
      id(args.orderId, "orderId");
      if (!isAcceptedMethod(args.method))
        throw badInput(`method must be one of the test tokens ${ACCEPTED_METHODS.join(", ")}.`, "method");
      const orderId = await ownedOrderId(ctx, args.orderId);
      return perform(ctx, orderId, () => repo.pay(orderId, args.method, charge));
    },

    cancelOrder: async (_: unknown, args: OrderArgs, ctx: Context) => {
      const orderId = await ownedOrderId(ctx, args.orderId);
      return perform(ctx, orderId, () => repo.cancel(orderId));
    },

    // Admins only: @requiresScopes(scopes: [["ADMIN"]]) in orders.graphql, checked before these run.
    shipOrder: async (_: unknown, args: OrderArgs, ctx: Context) => {
      const orderId = id(args.orderId, "orderId");
      return perform(ctx, orderId, () => repo.ship(orderId));
    },

    deliverOrder: async (_: unknown, args: OrderArgs, ctx: Context) => {
      const orderId = id(args.orderId, "orderId");
      return perform(ctx, orderId, () => repo.deliver(orderId));
    },
  };
}
