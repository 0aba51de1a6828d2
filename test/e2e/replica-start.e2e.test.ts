// Replicas of one subgraph starting at the same moment on one new Postgres database: one migrates, the rest wait.

import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "../../events/testing/broker.ts";
import { eventually } from "../../events/testing/wait.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { silentLogger } from "../../platform/logger.ts";
import { openDatabase } from "../../subgraphs/kit/database.ts";
import { MIGRATION_LOCK_KEY, withAdvisoryLock } from "../../subgraphs/kit/migration-lock.ts";
import { startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { testSubgraphConfig } from "../support/config.ts";
import { expectData } from "../support/graphql.ts";
import {
  connect,
  createFreshDatabase,
  dropFreshDatabase,
  freshDatabaseUrl,
  journalEntries,
} from "../support/postgres-server.ts";

const databases: string[] = [];
const fresh = (prefix: string) => {
  const url = freshDatabaseUrl(prefix);
  databases.push(url);
  return url;
};

async function appliedMigrations(url: string): Promise<number> {
  const sql = connect(url);
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    return row?.n ?? 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

describe("replicas starting together on one new Postgres database", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ topics: TOPICS_AND_DEAD_LETTERS });
  });
  afterAll(async () => {
    await broker?.stop();
    await Promise.all(databases.map((url) => dropFreshDatabase(url).catch(() => {})));
  });

  it("starts two replicas of orders at once: both serve, and each migration is recorded once", async () => {
    const orders = await loadSubgraph("orders");
    const url = fresh("replicas_orders");
    const config = { ...testSubgraphConfig("orders", broker.brokers), databaseUrl: url };
    const replicas = await Promise.all([
      startSubgraph(orders, config, silentLogger),
      startSubgraph(orders, config, silentLogger),
    ]);
    try {
      expect(replicas[0].port).not.toBe(replicas[1].port);
      for (const replica of replicas) {
        const health = await fetch(new URL("/health", replica.url));
        expect(health.status).toBe(200);
        expect(await expectData(replica.url, "{ __typename }")).toEqual({ __typename: "Query" });
      }
      expect(await appliedMigrations(url)).toBe(journalEntries(orders.migrationsFolder));
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });

  it("makes a starting replica wait while another holds the migration lock, then finds nothing left to do", async () => {
    const catalog = await loadSubgraph("catalog");
    const url = await createFreshDatabase("replicas_lock");
    databases.push(url);
    const holder = connect(url);
    await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    let opened = false;
    const opening = openDatabase({
      url,
      migrationsFolder: catalog.migrationsFolder,
      logger: silentLogger,
    }).then((database) => {
      opened = true;
      return database;
    });
    try {
      // The replica's migration connection is parked on our advisory lock, and has migrated nothing.
      await eventually(async () => {
        const waiting = await holder<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`;
        return (waiting[0]?.n ?? 0) > 0 || undefined;
      });
      const [table] = await holder<{ exists: boolean }[]>`
        select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
      expect(table?.exists).toBe(false);
      expect(opened).toBe(false);
    } finally {
      await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      await holder.end({ timeout: 5 });
    }
    const database = await opening;
    try {
      expect(await appliedMigrations(url)).toBe(journalEntries(catalog.migrationsFolder));
    } finally {
      await database.close();
    }
  });

  it("creates one new database from five openers at once without an error", async () => {
    const inventory = await loadSubgraph("inventory");
    const url = fresh("replicas_create");
    const opened = await Promise.all(
      Array.from({ length: 5 }, () => openDatabase({ url, migrationsFolder: inventory.migrationsFolder })),
    );
    try {
      expect(await appliedMigrations(url)).toBe(journalEntries(inventory.migrationsFolder));
    } finally {
      await Promise.all(opened.map((database) => database.close()));
    }
  });

  it("releases the lock when a migration fails, so the next replica can try, and reports the failure", async () => {
    const url = await createFreshDatabase("replicas_fail");
    databases.push(url);
    const [failing, next] = [connect(url), connect(url)];
    try {
      await expect(
        withAdvisoryLock(failing, MIGRATION_LOCK_KEY, async () => {
          throw new Error("migration 0003 failed");
        }),
      ).rejects.toThrow("migration 0003 failed");
      const [row] = await next<{ got: boolean }[]>`select pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) as got`;
      expect(row?.got).toBe(true);
      // A pool would take the lock on one connection and migrate on another: refused outright.
      const pooled = postgres(url, { max: 2 });
      await expect(withAdvisoryLock(pooled, MIGRATION_LOCK_KEY, async () => 1)).rejects.toThrow(
        "exactly one",
      );
      await pooled.end();
    } finally {
      await Promise.all([failing.end({ timeout: 5 }), next.end({ timeout: 5 })]);
    }
  });
});
