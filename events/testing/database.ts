// Test databases for the event kit: in-memory PGlite, or a fresh database on the real Postgres when DATABASE_URL is set.
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "../outbox/db.ts";
import * as schema from "../outbox/schema.ts";

export interface TestDatabase {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

/** Opens an empty database with the outbox tables; each call is isolated from every other. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const database = url ? await openPostgres(url) : await openPglite();
  for (const statement of await outboxDdl()) await database.db.execute(statement);
  return database;
}

async function openPglite(): Promise<TestDatabase> {
  const client = new PGlite();
  return { db: drizzlePglite(client), kind: "pglite", close: () => client.close() };
}

async function openPostgres(url: string): Promise<TestDatabase> {
  const name = `tributary_events_test_${randomUUID().replaceAll("-", "")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const client = postgres(target.toString(), { max: 4, onnotice: () => {} });
  return {
    db: drizzlePostgres(client),
    kind: "postgres",
    async close() {
      await client.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * The DDL drizzle-kit would put in a subgraph's migration for the outbox tables, derived from schema.ts
 * itself so these tests also prove the schema generates valid SQL on both engines.
 */
async function outboxDdl(): Promise<string[]> {
  const { generateDrizzleJson, generateMigration } = await import("drizzle-kit/api");
  const empty = generateDrizzleJson({});
  return generateMigration(empty, generateDrizzleJson({ ...schema }));
}
