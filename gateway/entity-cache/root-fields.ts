// Root fields a subgraph declares @cacheable, each looked up by its `id` argument: one entry per fetch, tagged
// with the entity each field returns, so the events that change those entities drop it.
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { entityCacheRequests } from "../../platform/metrics/index.ts";
import type { GatewayContext } from "../context.ts";
import type { RootFieldPolicy, SubgraphCachePolicies } from "./declarations.ts";
import { argumentValue, type RootField } from "./fetch-shape.ts";
import { type CacheScope, entityTag, entryKey, visibilityKey } from "./keys.ts";
import { hadSideEffect } from "./side-effects.ts";
import type { EntityStore } from "./store.ts";

export interface RootFetch {
  subgraph: string;
  policies: SubgraphCachePolicies;
  fields: readonly RootField[];
  query: string;
  variables: Record<string, unknown> | undefined;
  context: GatewayContext;
  /** The fetch selects a field that changes without an event. */
  uncacheable: boolean;
  send(): Promise<GatewayGraphQLResponse>;
}

interface Plan {
  key: string;
  tags: string[];
  maxAgeSeconds: number;
  type: string;
}

/** The narrowest scope of a fetch's fields: OWNER holds only for one field (one owner), PRIVATE otherwise. */
function scopeOf(scopes: readonly CacheScope[]): CacheScope {
  if (scopes.includes("PRIVATE")) return "PRIVATE";
  if (scopes.includes("OWNER")) return scopes.length === 1 ? "OWNER" : "PRIVATE";
  return "PUBLIC";
}

function planOf(fetch: RootFetch): Plan | undefined {
  if (fetch.uncacheable) return undefined;
  const tags: string[] = [];
  const ids: string[] = [];
  const scopes: CacheScope[] = [];
  let maxAgeSeconds = Number.POSITIVE_INFINITY;
  for (const field of fetch.fields) {
    const policy: RootFieldPolicy | undefined = fetch.policies.rootFields.get(field.name);
    const id = argumentValue(field, "id", fetch.variables);
    if (!policy || (typeof id !== "string" && typeof id !== "number")) return undefined;
    tags.push(entityTag(policy.returnType, String(id)));
    ids.push(String(id));
    scopes.push(policy.scope);
    maxAgeSeconds = Math.min(maxAgeSeconds, policy.maxAgeSeconds);
  }
  const key = entryKey({
    subgraph: fetch.subgraph,
    visibility: visibilityKey(scopeOf(scopes), fetch.context.viewer, ids[0]),
    query: fetch.query,
    variables: JSON.stringify(fetch.variables ?? {}),
  });
  return { key, tags, maxAgeSeconds, type: `Query.${fetch.fields.map((f) => f.name).join("+")}` };
}

export async function fetchRootFields(fetch: RootFetch, store: EntityStore): Promise<GatewayGraphQLResponse> {
  const plan = planOf(fetch);
  if (!plan) {
    for (const field of fetch.fields)
      entityCacheRequests.inc({ result: "bypass", type: `Query.${field.name}` });
    return fetch.send();
  }
  const [cached] = await store.getMany([plan.key]);
  entityCacheRequests.inc({ result: cached === undefined ? "miss" : "hit", type: plan.type });
  if (cached !== undefined) return { data: JSON.parse(cached) };
  const fetchedAt = Date.now();
  const response = await fetch.send();
  const data = response.data as Record<string, unknown> | null | undefined;
  // Only whole answers: a field that errored or found nothing is asked again next time.
  const whole =
    !response.errors?.length &&
    !hadSideEffect(response) &&
    data &&
    fetch.fields.every((f) => data[f.responseKey] != null);
  if (whole) {
    store.set({
      key: plan.key,
      value: JSON.stringify(data),
      tags: plan.tags,
      maxAgeSeconds: plan.maxAgeSeconds,
      fetchedAt,
    });
  }
  return response;
}
