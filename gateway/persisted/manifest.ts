// Reads and checks an Apollo persisted query manifest (what @apollo/generate-persisted-query-manifest writes).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export interface PersistedOperation {
  id: string;
  name: string;
  type: "query" | "mutation" | "subscription";
  body: string;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const TYPES = new Set(["query", "mutation", "subscription"]);

/**
 * Every listed operation by id. Ids must be the SHA-256 of the body (the generator's default): Apollo Server
 * checks a request's hash against its query text, so any other id could never be sent with its query.
 */
export function parseManifest(text: string, source: string): Map<string, PersistedOperation> {
  const fail = (why: string) => {
    throw new Error(`PERSISTED_DOCUMENTS ${source} is not a usable persisted query manifest: ${why}`);
  };
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  const { format, version, operations } = (manifest ?? {}) as Record<string, unknown>;
  if (format !== "apollo-persisted-query-manifest") fail(`"format" is not "apollo-persisted-query-manifest"`);
  if (version !== 1) fail(`"version" is ${JSON.stringify(version)}; only 1 is known`);
  if (!Array.isArray(operations)) return fail(`"operations" is not a list`);
  const byId = new Map<string, PersistedOperation>();
  operations.forEach((entry: unknown, index) => {
    const { id, name, type, body } = (entry ?? {}) as Record<string, unknown>;
    const where = `operations[${index}]`;
    if (typeof body !== "string" || body.trim() === "") fail(`${where}.body is not a document`);
    if (typeof id !== "string") fail(`${where}.id is not a string`);
    if (typeof name !== "string") fail(`${where}.name is not a string`);
    if (typeof type !== "string" || !TYPES.has(type))
      fail(`${where}.type is not query, mutation or subscription`);
    if (id !== sha256(body as string)) fail(`${where}.id is not the SHA-256 of its body`);
    byId.set(id as string, { id, name, type, body } as PersistedOperation);
  });
  if (byId.size === 0) fail("it lists no operation");
  return byId;
}

export function loadManifest(path: string): Map<string, PersistedOperation> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`PERSISTED_DOCUMENTS ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseManifest(text, path);
}
