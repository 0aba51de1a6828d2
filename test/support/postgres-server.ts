// The machine's Postgres, for the tests that are about Postgres itself (locks, replicas sharing a database):
// they run in the PGlite pass too, since CI starts this server before either pass.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { databaseUrlFor } from "../../subgraphs/kit/config.ts";
import { createDatabaseIfMissing, dropDatabase } from "../../subgraphs/kit/database.ts";

export const POSTGRES_SERVER = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432";

/** A name no other test uses; nothing is created until someone opens it. */
export function freshDatabaseUrl(prefix: string): string {
  return databaseUrlFor(POSTGRES_SERVER, `${prefix}_${randomBytes(5).toString("hex")}`);
}

export async function createFreshDatabase(prefix: string): Promise<string> {
  const url = freshDatabaseUrl(prefix);
  await createDatabaseIfMissing(url);
  return url;
}

export const dropFreshDatabase = (url: string) => dropDatabase(url);

/** One connection for a test's own statements; `end()` it afterwards. */
export const connect = (url: string) => postgres(url, { max: 1, onnotice: () => {} });

/** How many migrations a subgraph's journal lists: what a fully migrated database has recorded. */
export function journalEntries(migrationsFolder: string): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}
