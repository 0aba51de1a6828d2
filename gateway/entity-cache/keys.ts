// Cache keys: what a subgraph's answer depends on, so that two callers share an entry only when that subgraph
// would have answered both of them the same.
import { createHash } from "node:crypto";
import type { Viewer } from "../../platform/auth/tokens.ts";

/**
 * PUBLIC: the answer depends on nothing but the caller's roles (admin-only fields such as stock onHand are
 * null for others), so entries are shared within one set of roles. OWNER: it also depends on whether the
 * caller is the entity itself (a user's own email, an author's own drafts), so the owner has a class of
 * their own and everyone else with the same roles shares one. PRIVATE: it depends on who asks in any other
 * way, so entries are the caller's alone.
 */
export type CacheScope = "PUBLIC" | "OWNER" | "PRIVATE";

export const CACHE_SCOPES: readonly CacheScope[] = ["PUBLIC", "OWNER", "PRIVATE"];

/**
 * The visibility class a caller's entries live in for a scope; `entityId` is the entry's entity (OWNER).
 * Ids compare without case, as the subgraphs compare them.
 */
export function visibilityKey(
  scope: CacheScope,
  viewer: Viewer | null | undefined,
  entityId?: string,
): string {
  if (!viewer) return "anonymous";
  const roles = `roles:${[...viewer.roles].sort().join(",")}`;
  if (scope === "PRIVATE") return `user:${viewer.id};${roles}`;
  if (scope === "OWNER" && entityId?.toLowerCase() === viewer.id.toLowerCase()) return `${roles};owner`;
  return roles;
}

/** The tag an entity's entries carry, and the one its events drop. */
export function entityTag(typename: string, id: string): string {
  return `${typename}:${id}`;
}

const digests = new Map<string, string>();
const MAX_DIGESTS = 10_000;

/** A short digest of a subgraph query's text: the same plan sends the same text, so it is computed once. */
export function queryDigest(query: string): string {
  let digest = digests.get(query);
  if (digest === undefined) {
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digest = createHash("sha256").update(query).digest("base64url").slice(0, 22);
    digests.set(query, digest);
  }
  return digest;
}

export interface EntryKeyParts {
  subgraph: string;
  visibility: string;
  query: string;
  /** The fetch's variables other than the representations (arguments of the selected fields). */
  variables: string;
  /** One representation's JSON for an entity, nothing for a root field. */
  representation?: string;
}

export function entryKey(parts: EntryKeyParts): string {
  const kind = parts.representation === undefined ? "root" : "entity";
  return [
    kind,
    parts.subgraph,
    parts.visibility,
    queryDigest(parts.query),
    parts.variables,
    parts.representation ?? "",
  ].join("|");
}
