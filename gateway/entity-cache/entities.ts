// `_entities` fetches through the cache: each representation is looked up on its own, only the misses go to the
// subgraph, and the answer is stitched back in the plan's order, errors pointing at the right positions.
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { entityCacheRequests } from "../../platform/metrics/index.ts";
import type { GatewayContext } from "../context.ts";
import type { SubgraphCachePolicies } from "./declarations.ts";
import { entityTag, entryKey, visibilityKey } from "./keys.ts";
import { hadSideEffect } from "./side-effects.ts";
import type { EntityStore } from "./store.ts";

interface Slot {
  key: string;
  tag: string;
  type: string;
  maxAgeSeconds: number;
}

export interface EntitiesFetch {
  subgraph: string;
  policies: SubgraphCachePolicies;
  query: string;
  variables: Record<string, unknown>;
  context: GatewayContext;
  /** The fetch selects a field that changes without an event: every representation goes to the subgraph. */
  uncacheable: boolean;
  /** Sends the fetch, with these representations instead of its own when given. */
  send(representations?: unknown[]): Promise<GatewayGraphQLResponse>;
}

function slotFor(fetch: EntitiesFetch, representation: unknown, otherVariables: string): Slot | undefined {
  if (typeof representation !== "object" || representation === null) return undefined;
  const { __typename: type, id } = representation as { __typename?: unknown; id?: unknown };
  if (typeof type !== "string") return undefined;
  const policy = fetch.policies.entities.get(type);
  if (!policy || fetch.uncacheable || (typeof id !== "string" && typeof id !== "number")) {
    entityCacheRequests.inc({ result: "bypass", type });
    return undefined;
  }
  const key = entryKey({
    subgraph: fetch.subgraph,
    visibility: visibilityKey(policy.scope, fetch.context.viewer, String(id)),
    query: fetch.query,
    variables: otherVariables,
    representation: JSON.stringify(representation),
  });
  return { key, tag: entityTag(type, String(id)), type, maxAgeSeconds: policy.maxAgeSeconds };
}

/** Errors at `_entities.<j>` of the misses' answer, moved to the representation's own position. */
function remapErrors(response: GatewayGraphQLResponse, misses: readonly number[]) {
  return response.errors?.map((error) => {
    const path = error.path;
    if (path?.[0] !== "_entities" || typeof path[1] !== "number") return error;
    return { ...error, path: ["_entities", misses[path[1]] ?? path[1], ...path.slice(2)] };
  });
}

/** Positions of the misses' answer that an error names, or undefined when an error names none (all suspect). */
function erroredPositions(response: GatewayGraphQLResponse): Set<number> | undefined {
  const positions = new Set<number>();
  for (const error of response.errors ?? []) {
    const at = error.path?.[1];
    if (error.path?.[0] !== "_entities" || typeof at !== "number") return undefined;
    positions.add(at);
  }
  return positions;
}

export async function fetchEntities(
  fetch: EntitiesFetch,
  store: EntityStore,
): Promise<GatewayGraphQLResponse> {
  const { representations, ...others } = fetch.variables as { representations?: unknown };
  if (!Array.isArray(representations)) return fetch.send();
  const otherVariables = JSON.stringify(others);
  const slots = representations.map((r) => slotFor(fetch, r, otherVariables));
  const cachedAt = slots.flatMap((slot, i) => (slot ? [i] : []));
  const found = await store.getMany(cachedAt.map((i) => slots[i]!.key));
  const results: unknown[] = new Array(representations.length);
  const hit = new Set<number>();
  cachedAt.forEach((i, j) => {
    const value = found[j];
    const slot = slots[i]!;
    entityCacheRequests.inc({ result: value === undefined ? "miss" : "hit", type: slot.type });
    if (value === undefined) return;
    // Parsed per caller: Apollo merges the objects into this request's result.
    results[i] = JSON.parse(value);
    hit.add(i);
  });
  if (hit.size === representations.length) return { data: { _entities: results } };

  const misses = representations.flatMap((_, i) => (hit.has(i) ? [] : [i]));
  const fetchedAt = Date.now();
  const response = await fetch.send(misses.map((i) => representations[i]));
  const answered = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  const errors = remapErrors(response, misses);
  if (!Array.isArray(answered)) return { ...response, ...(errors ? { errors } : {}) };

  // undefined: store none of them (an error that names no position, or an answer with a side effect).
  const suspect = hadSideEffect(response) ? undefined : erroredPositions(response);
  misses.forEach((i, j) => {
    results[i] = answered[j];
    const slot = slots[i];
    const value = answered[j];
    if (!slot || !suspect || suspect.has(j) || typeof value !== "object" || value === null) return;
    store.set({
      key: slot.key,
      value: JSON.stringify(value),
      tags: [slot.tag],
      maxAgeSeconds: slot.maxAgeSeconds,
      fetchedAt,
    });
  });
  return {
    ...response,
    data: { ...(response.data as object), _entities: results },
    ...(errors ? { errors } : {}),
  };
}
