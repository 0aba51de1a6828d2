// Replicas of one subgraph may start together on one database: whoever holds this lock migrates, the others wait.
import type { Sql } from "postgres";

/**
 * Advisory lock keys are per database, so one constant serves every subgraph: hashtext('tributary.migrations'),
 * written out so a Postgres upgrade that changed hashtext could never split the replicas across two keys.
 */
export const MIGRATION_LOCK_KEY = -1_214_688_271;

/** hashtext('tributary.create-database'): serializes `create database` on the server's maintenance database. */
export const CREATE_DATABASE_LOCK_KEY = 359_609_739;

/**
 * Runs `work` while holding a session-level advisory lock on `sql`'s single connection (`max: 1`, so the
 * lock and the work share a session). A second caller blocks in pg_advisory_lock until the first
 * unlocks or its connection ends, so a crashed migrator never leaves the lock behind.
 */
export async function withAdvisoryLock<T>(sql: Sql, key: number, work: () => Promise<T>): Promise<T> {
  if (sql.options.max !== 1) throw new Error("an advisory lock needs a client with exactly one connection");
  await sql`select pg_advisory_lock(${key})`;
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The work's error is the one to report; if the connection is gone, so is the lock.
    await sql`select pg_advisory_unlock(${key})`.catch(() => {});
    throw error;
  }
  await sql`select pg_advisory_unlock(${key})`;
  return result;
}
