// A worker's spec travels as a file: with --vary-inputs it holds a thousand requests, each with its token,
// far past what one command-line argument may hold (E2BIG).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `work` with the path of a temporary file holding `spec` as JSON, removed afterwards. */
export async function withSpecFile<T>(spec: unknown, work: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tributary-bench-spec-"));
  const path = join(dir, "spec.json");
  writeFileSync(path, JSON.stringify(spec));
  try {
    return await work(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A worker's spec from its first argument: inline JSON, or the path of a file holding it. */
export function readSpec<T>(argument: string | undefined): T {
  const text = argument?.trimStart().startsWith("{") ? argument : readFileSync(argument ?? "", "utf8");
  return JSON.parse(text) as T;
}
