import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { copyCluster, migratedTemplate } from "./pglite-template.ts";

const CATALOG_MIGRATIONS = fileURLToPath(new URL("../catalog/migrations", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "pglite-template-test-"));
const templatesDir = join(work, "templates");
mkdirSync(templatesDir);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A private copy of catalog's migrations, at <work>/catalog/migrations like the real layout. */
function migrationsCopy(): string {
  const folder = join(work, "catalog", "migrations");
  cpSync(CATALOG_MIGRATIONS, folder, { recursive: true });
  return folder;
}

async function tablesOf(dir: string): Promise<string[]> {
  const client = await PGlite.create(dir);
  try {
    const result = await client.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public' order by tablename",
    );
    return result.rows.map((row) => row.tablename);
  } finally {
    await client.close();
  }
}

describe("migratedTemplate", () => {
  const migrations = migrationsCopy();
  let first: string;

  it("makes a cluster with the migrations applied that a new data directory is copied from", async () => {
    first = (await migratedTemplate(migrations, templatesDir))!;
    expect(first).toMatch(/tributary-pglite-[\d.]+-catalog-[0-9a-f]{16}$/);
    const dataDir = join(work, "data-1");
    writeFileSync(join(first, "postmaster.pid"), "12345\n");
    copyCluster(first, dataDir);
    expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(false);
    expect(await tablesOf(dataDir)).toContain("products");
  }, 120_000);

  it("returns the same template while the migrations are unchanged", async () => {
    expect(await migratedTemplate(migrations, templatesDir)).toBe(first);
  });

  it("makes a new template when a migration changes, and removes the stale one", async () => {
    appendFileSync(
      join(migrations, "0000_init.sql"),
      "\n--> statement-breakpoint\nCREATE TABLE probe (id int);\n",
    );
    const second = (await migratedTemplate(migrations, templatesDir))!;
    expect(second).not.toBe(first);
    expect(existsSync(first)).toBe(false);
    const dataDir = join(work, "data-2");
    copyCluster(second, dataDir);
    expect(await tablesOf(dataDir)).toEqual(expect.arrayContaining(["probe", "products"]));
  }, 120_000);
});
