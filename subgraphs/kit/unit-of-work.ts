// One transaction for a state change and the events it causes; the outbox relay is handed them after commit.
import { type AnyOutboxEvent, enqueueEvent, insertOutboxRows } from "../../events/outbox/enqueue.ts";
import type { OutboxRow } from "../../events/outbox/schema.ts";
import type { EventInit, Topic } from "../../events/topics.ts";
import type { Db } from "./database.ts";

export interface OutgoingEvent<T extends Topic = Topic> {
  topic: T;
  /** Kafka key: the entity's id, so every event of one entity stays in order on one partition. */
  key: string;
  payload: EventInit<T>;
}

export type Publish = <T extends Topic>(event: OutgoingEvent<T>) => Promise<void>;

export interface UnitOfWork {
  /** For reads. */
  db: Db;
  /** Runs `work` in a transaction; events it publishes are written to the outbox in that same transaction. */
  transact<T>(work: (tx: Db, publish: Publish) => Promise<T>): Promise<T>;
}

/**
 * `afterCommit` gets the outbox rows the transaction wrote, in seq order, once they are committed (never
 * for a rolled-back one): the relay's wake(rows), so it can produce them without reading them back.
 */
export function createUnitOfWork(
  db: Db,
  afterCommit: (committed: readonly OutboxRow[]) => void = () => {},
): UnitOfWork {
  return {
    db,
    async transact(work) {
      const written: OutboxRow[] = [];
      const result = await db.transaction(async (tx) =>
        work(tx, async (event) => {
          written.push(...(await insertOutboxRows(tx, [event as AnyOutboxEvent])));
        }),
      );
      if (written.length > 0) afterCommit(written);
      return result;
    },
  };
}

/** Publishing from inside someone else's transaction (an event handler reacting to an event). */
export function publisherFor(tx: Db): Publish {
  return async (event) => {
    await enqueueEvent(tx, event);
  };
}
