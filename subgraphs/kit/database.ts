// Opens a subgraph's own database (PGlite on disk or in memory, or real Postgres) and applies its migrations.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Db } from "../../events/outbox/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { CREATE_DATABASE_LOCK_KEY, MIGRATION_LOCK_KEY, withAdvisoryLock } from "./migration-lock.ts";
import { countInFlight, countPostgresInFlight } from "./observability/in-flight.ts";
import { clientWith } from "./pglite-calls.ts";
import { parseOnce } from "./pglite-parsers.ts";
import { pgliteOptions } from "./pglite-settings.ts";
import { copyCluster, migratedTemplate, pgliteTemplate } from "./pglite-template.ts";
import { takeTurns } from "./pglite-turns.ts";

export type { Db };

export interface QueryCounter {
  count: number;
}

/** drizzle calls the logger once per statement, so counting there costs one increment. */
function countingLogger(counter: QueryCounter) {
  return {
    logQuery() {
      counter.count++;
    },
  };
}

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Statements sent so far: what N+1 tests and metrics count. */
  readonly queries: QueryCounter;
  /** Where the data lives, for logs (never includes a password). */
  location: string;
  /** Queries (a transaction counts once) running now. */
  queriesInFlight?: () => number;
  /** The pool's connection limit; postgres only. */
  poolMax?: number;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  migrationsFolder: string;
  /** postgres:// URL of this subgraph's database; created on its server when missing. */
  url?: string;
  /** PGlite directory; null or undefined for in-memory. */
  pgliteDir?: string | null;
  poolSize?: number;
  logger?: Logger;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.pgliteDir ?? null, options);
}

async function openPglite(dir: string | null, { migrationsFolder }: OpenDatabaseOptions): Promise<Database> {
  const client = dir ? await openPgliteDirectory(dir, migrationsFolder) : await openPgliteInMemory();
  // No migration lock: a PGlite directory is opened by one process only, so nobody can migrate beside us.
  await migratePglite(drizzlePglite({ client }), { migrationsFolder });
  // Statements run on the event loop: without turns, a queue of them starves every socket (pglite-turns.ts).
  const counted = countInFlight(parseOnce(client, takeTurns(client)));
  const queries: QueryCounter = { count: 0 };
  const db = drizzlePglite({ client: clientWith(client, counted.client), logger: countingLogger(queries) });
  return {
    db,
    queries,
    kind: "pglite",
    location: dir ?? "memory",
    queriesInFlight: counted.inFlight,
    // A subgraph stopped twice (a test restarting it, a shutdown racing a crash) closes its database once.
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/**
 * A new data directory starts as a copy of a cluster these migrations were already applied to, so the
 * migrate step after it finds nothing to do; an existing one is opened as it is.
 */
async function openPgliteDirectory(dir: string, migrationsFolder: string): Promise<PGlite> {
  if (!existsSync(join(dir, "PG_VERSION"))) {
    const template = await migratedTemplate(migrationsFolder);
    if (template) {
      copyCluster(template, dir);
    } else {
      // No template could be made (e.g. a read-only temp directory): start from initdb or the empty tar, slower
      // but still correct, since the migrations then run on the new cluster itself.
      mkdirSync(dir, { recursive: true });
      const empty = await pgliteTemplate();
      return PGlite.create(dir, await pgliteOptions(empty ? { loadDataDir: empty } : {}));
    }
  }
  return PGlite.create(dir, await pgliteOptions());
}

/** A new PGlite runs initdb in WebAssembly (seconds); loading the saved empty cluster takes a fraction. */
async function openPgliteInMemory(): Promise<PGlite> {
  const empty = await pgliteTemplate();
  return PGlite.create(await pgliteOptions(empty ? { loadDataDir: empty } : {}));
}

async function openPostgres(
  url: string,
  { migrationsFolder, poolSize = 10, logger }: OpenDatabaseOptions,
): Promise<Database> {
  await createDatabaseIfMissing(url, logger);
  const notices = { onnotice: () => {} };
  // Migrations run over one dedicated connection, separate from the query pool. Replicas starting together
  // queue on the advisory lock: the first applies the migrations, the next finds nothing left to apply.
  const migrator = postgres(url, { max: 1, ...notices });
  try {
    await withAdvisoryLock(migrator, MIGRATION_LOCK_KEY, () =>
      migratePostgres(drizzlePostgres({ client: migrator }), { migrationsFolder }),
    );
  } finally {
    await migrator.end({ timeout: 5 });
  }
  const queries: QueryCounter = { count: 0 };
  const pool = postgres(url, { max: poolSize, idle_timeout: 30, connect_timeout: 10, ...notices });
  const counted = countPostgresInFlight(pool);
  const safe = new URL(url);
  safe.password = "";
  return {
    db: drizzlePostgres({ client: counted.client, logger: countingLogger(queries) }),
    queries,
    kind: "postgres",
    location: safe.toString(),
    poolMax: poolSize,
    queriesInFlight: counted.inFlight,
    close: () => pool.end({ timeout: 5 }),
  };
}

/** Each subgraph owns a database named after it; on a fresh server we create it. */
export async function createDatabaseIfMissing(url: string, logger?: Logger): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error(`Database URL ${target.host} names no database`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    // Two replicas creating one database at once can fail on the catalog's unique index rather than
    // with "already exists": one at a time, the second sees the first's database and skips.
    await withAdvisoryLock(sql, CREATE_DATABASE_LOCK_KEY, async () => {
      const rows = await sql`select 1 from pg_database where datname = ${name}`;
      if (rows.length > 0) return;
      await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`);
      logger?.info({ database: name }, "created database");
    });
  } catch (error) {
    // Another process may have created it between our check and our create.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists "${name.replace(/"/g, '""')}" with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
