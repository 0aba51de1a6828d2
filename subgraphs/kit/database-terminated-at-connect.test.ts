// Guards patches/postgres+3.4.9.patch: a backend terminated while a new pool connection starts (Postgres
// restarting, a failover, an operator's pg_terminate_backend) fails the one query that was waiting for it and
// nothing else. Unpatched, postgres.js's own first statement on the connection (it reads the array types from
// pg_catalog) rejected with no reader, and Node ends a process on an unhandled rejection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresProxy, startPostgresProxy } from "../../test/support/postgres-proxy.ts";
import { dropFreshDatabase, freshDatabaseUrl, POSTGRES_SERVER } from "../../test/support/postgres-server.ts";
import { type Database, openDatabase } from "./database.ts";
import { isDatabaseUnavailable } from "./database-unavailable.ts";

const MIGRATIONS = new URL("../catalog/migrations", import.meta.url).pathname;

describe("a pool connection whose backend is terminated as it starts", () => {
  let proxy: PostgresProxy;
  let url: string;
  let database: Database;
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    proxy = await startPostgresProxy(POSTGRES_SERVER);
    url = freshDatabaseUrl("terminated_at_connect");
    // Migrations run over their own connection; the query pool opens none until asked.
    database = await openDatabase({ url: proxy.url(url), migrationsFolder: MIGRATIONS, poolSize: 1 });
    process.on("unhandledRejection", recordUnhandled);
  }, 30_000);

  afterAll(async () => {
    process.off("unhandledRejection", recordUnhandled);
    await database?.close();
    await proxy?.stop();
    if (url) await dropFreshDatabase(url);
  });

  it("fails the query that waited for it as unavailable, rejects nothing unread, and the next query reconnects", async () => {
    proxy.terminateNextStartingConnection();
    const waiting = await database.db.execute("select 1 as one").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(proxy.terminatedWhileStarting).toBe(1);
    expect((waiting as { cause?: { code?: string } }).cause?.code).toBe("57P01");
    expect(isDatabaseUnavailable(waiting)).toBe(true);
    // An unhandled rejection is reported once the microtask queue drains; give it a few turns of the loop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(unhandled).toEqual([]);
    const rows = (await database.db.execute("select 1 as one")) as unknown as { one: number }[];
    expect(rows[0]?.one).toBe(1);
  });
});
