// The gateway's entity cache: subgraph fetches answered from two tiers (in-process, Redis) that the events of
// every subgraph keep true. Built once per gateway; the data source hands it each fetch.
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";
import { readCachePolicies, type SubgraphCachePolicies } from "./declarations.ts";
import { fetchEntities } from "./entities.ts";
import { fetchShape } from "./fetch-shape.ts";
import { type ConsumedInvalidation, InvalidationConsumer } from "./invalidation-consumer.ts";
import { assertInvalidated, topicsFor } from "./invalidations.ts";
import { RedisTier } from "./redis-tier.ts";
import { fetchRootFields } from "./root-fields.ts";
import { EntityStore } from "./store.ts";
import { writtenTags } from "./writes.ts";

export interface EntityCacheSettings {
  enabled: boolean;
  maxBytes: number;
  /** Shared tier; unset keeps the cache in-process. */
  redisUrl?: string;
  redisKeyPrefix: string;
  supergraphPath: string;
  subgraphs: readonly string[];
  kafkaBrokers: string[];
  kafkaClientId: string;
  groupId: string;
}

type FetchOptions = GraphQLDataSourceProcessOptions<GatewayContext>;

/** Whether a fetch selects any of `fields` (the subgraph's @uncacheable ones: usually none, at most a few). */
function selectsAny(selects: ReadonlySet<string>, fields: ReadonlySet<string>): boolean {
  for (const field of fields) if (selects.has(field)) return true;
  return false;
}
export type Forward = (options: FetchOptions) => Promise<GatewayGraphQLResponse>;

export class EntityCache {
  constructor(
    private readonly policies: ReadonlyMap<string, SubgraphCachePolicies>,
    /** Every entity type some subgraph caches, as an entity or as a root field's answer. */
    private readonly cachedTypes: ReadonlySet<string>,
    private readonly store: EntityStore,
    private readonly consumer: InvalidationConsumer | undefined,
  ) {}

  /** Answers a subgraph fetch from the cache where it may, sending `forward` what it must. */
  async process(subgraph: string, options: FetchOptions, forward: Forward): Promise<GatewayGraphQLResponse> {
    const policies = this.policies.get(subgraph);
    if (!policies || !("incomingRequestContext" in options)) return forward(options);
    const { operation, context } = options.incomingRequestContext;
    const { request } = options;
    const shape = fetchShape(request.query ?? "");
    if (operation?.operation === "mutation" && shape.kind === "root") {
      const response = await forward(options);
      const tags = writtenTags({
        policies,
        cachedTypes: this.cachedTypes,
        fields: shape.fields,
        variables: request.variables,
        response,
        viewerId: context.viewer?.id,
      });
      if (tags.length) await this.store.drop(tags);
      return response;
    }
    // A subscription event's resolution reads what the subgraph says now: the entry it would read may be the
    // very one this event invalidates, and this gateway may not have consumed it yet.
    if (operation?.operation !== "query" || context.resolvingEvent || !this.consumer?.consuming) {
      return forward(options);
    }
    const uncacheable = shape.kind !== "other" && selectsAny(shape.selects, policies.uncacheableFields);
    if (shape.kind === "entities") {
      return fetchEntities(
        {
          subgraph,
          policies,
          query: request.query ?? "",
          variables: request.variables ?? {},
          context,
          uncacheable,
          send: (representations) =>
            forward(
              representations
                ? {
                    ...options,
                    request: { ...request, variables: { ...request.variables, representations } },
                  }
                : options,
            ),
        },
        this.store,
      );
    }
    if (shape.kind === "root" && shape.fields.some((f) => policies.rootFields.has(f.name))) {
      return fetchRootFields(
        {
          subgraph,
          policies,
          fields: shape.fields,
          query: request.query ?? "",
          variables: request.variables,
          context,
          uncacheable,
          send: () => forward(options),
        },
        this.store,
      );
    }
    return forward(options);
  }

  whenConsuming(): Promise<void> {
    return this.consumer?.whenConsuming() ?? Promise.resolve();
  }

  /** Each invalidating event once it has been applied (tests, and anyone measuring staleness). */
  onInvalidated(listener: (consumed: ConsumedInvalidation) => void): () => void {
    return this.consumer?.onInvalidated(listener) ?? (() => {});
  }

  /** What the in-process tier holds now. */
  stats(): { entries: number; bytes: number } {
    return { entries: this.store.entries, bytes: this.store.bytes };
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.store.close();
  }
}

export function cachedTypesOf(policies: ReadonlyMap<string, SubgraphCachePolicies>): string[] {
  const types = new Set<string>();
  for (const p of policies.values()) {
    for (const type of p.entities.keys()) types.add(type);
    for (const field of p.rootFields.values()) types.add(field.returnType);
  }
  return [...types].sort();
}

/**
 * Reads every subgraph's declarations and starts the invalidation consumer; undefined when the cache is off or
 * nothing is declared cacheable.
 */
export async function createEntityCache(
  settings: EntityCacheSettings,
  logger: Logger,
): Promise<EntityCache | undefined> {
  if (!settings.enabled) return undefined;
  const policies = await readCachePolicies(settings.supergraphPath, settings.subgraphs);
  const declared = [...policies.values()].flatMap((p) => [...p.entities.values(), ...p.rootFields.values()]);
  if (declared.length === 0) {
    logger.warn(
      { beside: settings.supergraphPath },
      "entity cache: no subgraph SDL with @cacheable beside the supergraph; nothing is cached",
    );
    return undefined;
  }
  const cachedTypes = cachedTypesOf(policies);
  assertInvalidated(cachedTypes);
  const maxAgeMs = Math.max(...declared.map((policy) => policy.maxAgeSeconds * 1000));
  const redis = settings.redisUrl
    ? new RedisTier({ url: settings.redisUrl, prefix: settings.redisKeyPrefix, logger, tagTtlMs: maxAgeMs })
    : undefined;
  const store = new EntityStore({ maxBytes: settings.maxBytes, redis });
  const consumer = new InvalidationConsumer({
    brokers: settings.kafkaBrokers,
    clientId: settings.kafkaClientId,
    groupId: `${settings.groupId}-entity-cache`,
    topics: topicsFor(cachedTypes),
    cachedTypes,
    store,
    logger,
  });
  consumer.start();
  logger.info({ types: cachedTypes, redis: Boolean(redis) }, "entity cache on");
  return new EntityCache(policies, new Set(cachedTypes), store, consumer);
}
