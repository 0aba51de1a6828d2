// A saved, empty PGlite cluster: new databases load it instead of running initdb each time (about 5x faster).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";

// The template must match the PGlite build that reads it, so the file name carries its version.
const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
const packageJson = join(entry.slice(0, entry.lastIndexOf("/dist/")), "package.json");
const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
const templatePath = join(tmpdir(), `tributary-pglite-${version}.tar`);

let pending: Promise<Blob | undefined> | undefined;

/** The template, created on first use and shared by every process on this machine. Undefined if it cannot be made. */
export function pgliteTemplate(): Promise<Blob | undefined> {
  pending ??= loadOrCreate();
  return pending;
}

async function loadOrCreate(): Promise<Blob | undefined> {
  try {
    if (existsSync(templatePath)) return new Blob([readFileSync(templatePath)]);
    const pristine = await PGlite.create();
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
