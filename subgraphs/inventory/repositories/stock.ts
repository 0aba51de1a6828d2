// inventory's data access: atomic reservations (all lines or none) and stock changes with their events.
import { and, asc, eq, inArray, isNull, lte, type SQL, sql } from "drizzle-orm";
import { sleep } from "../../../events/backoff.ts";
import { Topics } from "../../../events/topics.ts";
import type { Db } from "../../kit/database.ts";
import { type Publish, publisherFor, type UnitOfWork } from "../../kit/unit-of-work.ts";
import { reservations, type StockRow, stock } from "../db/schema.ts";

export interface OrderLine {
  productId: string;
  quantity: number;
}

export type ReserveOutcome = { reserved: true } | { reserved: false; reason: string; productId: string };

export class ReservedStockConflict extends Error {}

/** setStock on a product inventory has not heard of from catalog, or one catalog discontinued. */
export class UnknownProduct extends Error {
  constructor(
    readonly productId: string,
    readonly discontinued: boolean,
  ) {
    super(
      discontinued
        ? `Product ${productId} was discontinued; its stock can no longer change.`
        : `Product ${productId} does not exist.`,
    );
  }
}

/**
 * Inventory hears of a new product through catalog's created event, moments after createProduct answered:
 * a setStock sent right after waits this long for it before calling the product unknown.
 */
const NEW_PRODUCT_WAIT_MS = 3000;
const NEW_PRODUCT_POLL_MS = 25;

const available = (row: StockRow) => row.onHand - row.reserved;

/** How an order's reservations end: what happens to the counts, the announced reason, their final status. */
interface Settlement {
  counts(quantity: number): Partial<Record<"onHand" | "reserved", SQL>>;
  reason: "released" | "shipped";
  status: "RELEASED" | "COMMITTED";
}

export function createStockRepository({ db, transact }: UnitOfWork, lowStockThreshold: number) {
  async function announce(publish: Publish, before: number | null, row: StockRow, reason: string) {
    const entity = { typename: "Product", id: row.productId };
    await publish({
      topic: Topics.StockChanged,
      key: row.productId,
      payload: {
        entity,
        productId: row.productId,
        quantity: row.onHand,
        reserved: row.reserved,
        available: available(row),
        reason,
      },
    });
    // Announce the crossing into low stock once, not every change while it stays low.
    const now = available(row);
    if (now <= lowStockThreshold && (before === null || before > lowStockThreshold)) {
      await publish({
        topic: Topics.StockLow,
        key: row.productId,
        payload: { entity, productId: row.productId, available: now, threshold: lowStockThreshold },
      });
    }
  }

  async function lockedRows(tx: Db, productIds: string[]): Promise<Map<string, StockRow>> {
    if (productIds.length === 0) return new Map();
    // Sorted locking order keeps concurrent multi-line orders from deadlocking each other.
    const rows = await tx
      .select()
      .from(stock)
      .where(inArray(stock.productId, productIds))
      .orderBy(asc(stock.productId))
      .for("update");
    return new Map(rows.map((r) => [r.productId, r]));
  }

  /**
   * Ends an order's open reservations: each held line moves its product's counts by `counts(quantity)` and is
   * announced with `reason`, then the reservations take `status`. Nothing for an order without any.
   */
  async function settle(tx: Db, orderId: string, settlement: Settlement): Promise<void> {
    const publish = publisherFor(tx);
    const open = and(eq(reservations.orderId, orderId), eq(reservations.status, "RESERVED"));
    const held = await tx.select().from(reservations).where(open);
    const rows = await lockedRows(
      tx,
      held.map((h) => h.productId),
    );
    for (const hold of held) {
      const before = rows.get(hold.productId);
      if (!before) continue;
      const [row] = await tx
        .update(stock)
        .set({ ...settlement.counts(hold.quantity), updatedAt: new Date() })
        .where(eq(stock.productId, hold.productId))
        .returning();
      await announce(publish, available(before), row!, settlement.reason);
    }
    await tx.update(reservations).set({ status: settlement.status, updatedAt: new Date() }).where(open);
  }

  /** Every line or none: each product locked, checked, then reserved. */
  async function reserve(
    tx: Db,
    publish: Publish,
    orderId: string,
    lines: OrderLine[],
  ): Promise<ReserveOutcome> {
    const wanted = new Map<string, number>();
    for (const line of lines) wanted.set(line.productId, (wanted.get(line.productId) ?? 0) + line.quantity);
    const rows = await lockedRows(tx, [...wanted.keys()]);
    for (const [productId, quantity] of wanted) {
      const row = rows.get(productId);
      if (!row) return { reserved: false, reason: `Product ${productId} is not stocked.`, productId };
      if (row.discontinuedAt)
        return { reserved: false, reason: `Product ${productId} was discontinued.`, productId };
      if (available(row) < quantity) {
        return {
          reserved: false,
          reason: `Only ${available(row)} unit(s) of product ${productId} left.`,
          productId,
        };
      }
    }
    for (const [productId, quantity] of wanted) {
      const before = rows.get(productId)!;
      const [row] = await tx
        .update(stock)
        .set({ reserved: sql`${stock.reserved} + ${quantity}`, updatedAt: new Date() })
        .where(eq(stock.productId, productId))
        .returning();
      await tx.insert(reservations).values({ orderId, productId, quantity });
      await announce(publish, available(before), row!, "reserved");
    }
    return { reserved: true };
  }

  // Built once: every gateway fetch of Product stock runs it, and drizzle's building of each statement showed
  // in every profile (docs/benchmarks.md). `= any($1)` takes any number of ids.
  const byProductIds = db
    .select()
    .from(stock)
    .where(sql`${stock.productId} = any(${sql.placeholder("ids")})`)
    .prepare("inventory_stock_by_product_ids");

  const repository = {
    async findByProductIds(ids: readonly string[]): Promise<StockRow[]> {
      if (ids.length === 0) return [];
      return byProductIds.execute({ ids: [...ids] });
    },

    /** A product exists from now on; stock starts at zero. Safe to run twice. */
    async trackProduct(tx: Db, productId: string): Promise<void> {
      await tx.insert(stock).values({ productId }).onConflictDoNothing();
    },

    /**
     * Catalog discontinued the product. Reservations already held stay, so orders placed before still ship
     * or are released; new reservations and stock changes are refused. Recorded even before the created
     * event arrives (they travel on different topics), so a late "created" cannot revive it.
     */
    async discontinueProduct(tx: Db, productId: string): Promise<void> {
      const now = new Date();
      const [row] = await tx
        .insert(stock)
        .values({ productId, discontinuedAt: now })
        .onConflictDoUpdate({ target: stock.productId, set: { discontinuedAt: now, updatedAt: now } })
        .returning();
      // Its stock (available) is 0 from now on: an event says so, as for every other change of stock, so
      // subscribers and the gateway's entity cache learn it. Not a low-stock alert: nothing is to be restocked.
      await publisherFor(tx)({
        topic: Topics.StockChanged,
        key: productId,
        payload: {
          entity: { typename: "Product", id: productId },
          productId,
          quantity: row!.onHand,
          reserved: row!.reserved,
          available: 0,
          reason: "discontinued",
        },
      });
    },

    /** setStock, waiting a moment for a product created just now to reach inventory. */
    async setStockOnceKnown(productId: string, quantity: number): Promise<StockRow> {
      const deadline = Date.now() + NEW_PRODUCT_WAIT_MS;
      for (;;) {
        try {
          return await repository.setStock(productId, quantity);
        } catch (error) {
          const waitable = error instanceof UnknownProduct && !error.discontinued && Date.now() < deadline;
          if (!waitable) throw error;
          await sleep(NEW_PRODUCT_POLL_MS);
        }
      }
    },

    /** Sets units on hand; refuses to go below what open orders hold, and unknown or discontinued products. */
    setStock(productId: string, quantity: number): Promise<StockRow> {
      return transact(async (tx, publish) => {
        // The usual case in one statement (lock, check, update, and the state before for the low-stock
        // crossing): every statement is a round trip, and this one sits on the subscriptions' latency path.
        const previous = tx.$with("previous").as(
          tx
            .select({ productId: stock.productId, onHand: stock.onHand, reserved: stock.reserved })
            .from(stock)
            .where(and(eq(stock.productId, productId), isNull(stock.discontinuedAt)))
            .for("update"),
        );
        const [changed] = await tx
          .with(previous)
          .update(stock)
          .set({ onHand: quantity, updatedAt: new Date() })
          .from(previous)
          .where(and(eq(stock.productId, previous.productId), lte(previous.reserved, quantity)))
          .returning({
            productId: stock.productId,
            onHand: stock.onHand,
            reserved: stock.reserved,
            updatedAt: stock.updatedAt,
            discontinuedAt: stock.discontinuedAt,
            beforeOnHand: previous.onHand,
            beforeReserved: previous.reserved,
          });
        if (changed) {
          const { beforeOnHand, beforeReserved, ...row } = changed;
          await announce(publish, beforeOnHand - beforeReserved, row, "set");
          return row;
        }
        // Unknown, discontinued or below what is reserved: the step-by-step path tells them apart.
        const before = (await lockedRows(tx, [productId])).get(productId);
        if (!before || before.discontinuedAt) throw new UnknownProduct(productId, Boolean(before));
        if (quantity < before.reserved) {
          throw new ReservedStockConflict(
            `${before.reserved} unit(s) are reserved by open orders; stock cannot go below that.`,
          );
        }
        const [row] = await tx
          .update(stock)
          .set({ onHand: quantity, updatedAt: new Date() })
          .where(eq(stock.productId, productId))
          .returning();
        await announce(publish, available(before), row!, "set");
        return row!;
      });
    },

    /**
     * Reserves every line or none, inside the caller's (event handler's) transaction, and answers the saga
     * with stock reserved or rejected in that same transaction.
     */
    async reserveForOrder(tx: Db, orderId: string, lines: OrderLine[]): Promise<ReserveOutcome> {
      const publish = publisherFor(tx);
      const outcome = await reserve(tx, publish, orderId, lines);
      const entity = { typename: "Order", id: orderId };
      if (outcome.reserved) {
        await publish({
          topic: Topics.StockReserved,
          key: orderId,
          payload: {
            entity,
            orderId,
            lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
          },
        });
      } else {
        await publish({
          topic: Topics.StockRejected,
          key: orderId,
          payload: { entity, orderId, reason: outcome.reason, productId: outcome.productId },
        });
      }
      return outcome;
    },

    /** Gives reserved units back (order cancelled). Does nothing for an order without open reservations. */
    releaseForOrder(tx: Db, orderId: string): Promise<void> {
      return settle(tx, orderId, {
        counts: (quantity) => ({ reserved: sql`${stock.reserved} - ${quantity}` }),
        reason: "released",
        status: "RELEASED",
      });
    },

    /** The goods left the warehouse: reserved units stop being on hand. Available stock is unchanged. */
    commitForOrder(tx: Db, orderId: string): Promise<void> {
      return settle(tx, orderId, {
        counts: (quantity) => ({
          onHand: sql`${stock.onHand} - ${quantity}`,
          reserved: sql`${stock.reserved} - ${quantity}`,
        }),
        // On hand and reserved change (available does not): readers of either, and caches, must hear of it.
        reason: "shipped",
        status: "COMMITTED",
      });
    },
  };
  return repository;
}

export type StockRepository = ReturnType<typeof createStockRepository>;
