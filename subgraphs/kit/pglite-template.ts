// Saved PGlite clusters that new databases start from instead of running initdb and every migration again:
// an empty cluster (a tar, for in-memory databases) and, per migrations folder, a migrated cluster directory
// that a fresh data directory is copied from. Measured on this 2-core machine: opening a copy takes about
// 0.7 s, against about 3 s to load the empty tar onto disk and apply the migrations.
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { pgliteOptions } from "./pglite-settings.ts";

// A template must match the PGlite build that reads it, so every name carries its version.
const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
const packageJson = join(entry.slice(0, entry.lastIndexOf("/dist/")), "package.json");
const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
const PREFIX = `tributary-pglite-${version}`;
const templatePath = join(tmpdir(), `${PREFIX}.tar`);

/** A running server writes this; a copy must not inherit it. */
const RUNTIME_FILES = new Set(["postmaster.pid"]);

let pending: Promise<Blob | undefined> | undefined;

/** True once some process on this machine has saved the empty cluster. */
export function pgliteTemplateSaved(): boolean {
  return existsSync(templatePath);
}

/** The empty cluster, created on first use and shared by every process on this machine. Undefined if it cannot be made. */
export function pgliteTemplate(): Promise<Blob | undefined> {
  pending ??= loadOrCreate();
  return pending;
}

async function loadOrCreate(): Promise<Blob | undefined> {
  try {
    if (existsSync(templatePath)) return new Blob([readFileSync(templatePath)]);
    const pristine = await PGlite.create(await pgliteOptions());
    const dump = await pristine.dumpDataDir("none");
    await pristine.close();
    // Write then rename, so a process reading concurrently never sees half a file.
    const partial = `${templatePath}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, templatePath);
    return dump;
  } catch {
    return undefined;
  }
}

/** Changes whenever a migration file is added, removed or edited. */
function migrationsHash(migrationsFolder: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(`${path.slice(migrationsFolder.length)}\0`).update(readFileSync(path));
    }
  };
  walk(migrationsFolder);
  return hash.digest("hex").slice(0, 16);
}

/**
 * The directory of a cluster with every migration in `migrationsFolder` applied, made on first use (in
 * `templatesDir`, the machine's temp directory by default). Templates of older migration sets of the same
 * subgraph are removed when a new one is made. Undefined if it cannot be made.
 */
export async function migratedTemplate(
  migrationsFolder: string,
  templatesDir = tmpdir(),
): Promise<string | undefined> {
  // subgraphs/<name>/migrations → <name>, so a listing of the temp directory says whose template it is.
  const owner = basename(dirname(migrationsFolder));
  const family = `${PREFIX}-${owner}-`;
  const path = join(templatesDir, `${family}${migrationsHash(migrationsFolder)}`);
  if (existsSync(join(path, "PG_VERSION"))) return path;
  const empty = await pgliteTemplate();
  if (!empty) return undefined;
  const partial = `${path}.${process.pid}.partial`;
  try {
    const client = await PGlite.create(partial, await pgliteOptions({ loadDataDir: empty }));
    await migrate(drizzle({ client }), { migrationsFolder });
    await client.close();
    for (const stale of readdirSync(templatesDir)) {
      if (stale.startsWith(family) && !stale.endsWith(".partial")) {
        rmSync(join(templatesDir, stale), { recursive: true, force: true });
      }
    }
    // Another process may have finished the same template first; either copy is the same cluster.
    if (!existsSync(path)) renameSync(partial, path);
    return path;
  } catch {
    return undefined;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Fills a new data directory with a copy of a (closed) template cluster. */
export function copyCluster(template: string, dir: string): void {
  cpSync(template, dir, { recursive: true, filter: (source) => !RUNTIME_FILES.has(basename(source)) });
}
