import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "./database.ts";
import { PGLITE_SHARED_BUFFERS, pgliteAssets, webAssembly } from "./pglite-settings.ts";

const CATALOG_MIGRATIONS = fileURLToPath(new URL("../catalog/migrations", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "pglite-settings-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function sharedBuffersOf(pgliteDir: string | null): Promise<string | undefined> {
  const database = await openDatabase({ migrationsFolder: CATALOG_MIGRATIONS, pgliteDir });
  try {
    const result = (await database.db.execute(sql`show shared_buffers`)) as unknown as {
      rows: { shared_buffers: string }[];
    };
    return result.rows[0]?.shared_buffers;
  } finally {
    await database.close();
  }
}

describe("an embedded database", () => {
  it("starts with the small shared buffer pool in memory", async () => {
    expect(await sharedBuffersOf(null)).toBe(PGLITE_SHARED_BUFFERS);
  });

  it("starts with it in a new data directory, and again when that directory is reopened", async () => {
    const dir = join(work, "catalog");
    expect(await sharedBuffersOf(dir)).toBe(PGLITE_SHARED_BUFFERS);
    expect(await sharedBuffersOf(dir)).toBe(PGLITE_SHARED_BUFFERS);
  });
});

describe("PGlite's WebAssembly", () => {
  it("is compiled once per process: databases opened together instantiate the one shared module", async () => {
    const { pgliteWasmModule } = await pgliteAssets();
    const instantiate = vi.spyOn(webAssembly, "instantiate");
    try {
      await Promise.all([sharedBuffersOf(null), sharedBuffersOf(null), sharedBuffersOf(join(work, "blog"))]);
      const sources: unknown[] = instantiate.mock.calls.map(([source]) => source);
      expect(sources.filter((source) => source === pgliteWasmModule)).toHaveLength(3);
      // Postgres handed over as bytes would be compiled again (initdb, a separate small module, may be).
      const postgresBytes = statSync(
        createRequire(import.meta.url).resolve("@electric-sql/pglite/pglite.wasm"),
      ).size;
      const compiledAgain = sources.filter(
        (source) =>
          !(source instanceof webAssembly.Module) && (source as ArrayBufferLike).byteLength === postgresBytes,
      );
      expect(compiledAgain).toEqual([]);
    } finally {
      instantiate.mockRestore();
    }
  });
});
