// Resolves one event for one subscription group: the rewritten entity query through Apollo's federated plan.
import type { ApolloServer } from "@apollo/server";
import type { FormattedExecutionResult, GraphQLFormattedError } from "graphql";
import { backoffDelay, sleep } from "../../events/backoff.ts";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";
import { encodeCursor } from "./cursor.ts";
import type { EntityResolver } from "./hub.ts";

/** Errors point at the query's `entity` alias; clients expect the subscription field's response key. */
function renamePath(errors: readonly GraphQLFormattedError[], responseKey: string): GraphQLFormattedError[] {
  return errors.map((e) =>
    e.path?.[0] === "entity" ? { ...e, path: [responseKey, ...e.path.slice(1)] } : e,
  );
}

/**
 * How long an event waits for a subgraph that cannot answer (restarting, say) before it is sent with the
 * error. Sent at once, the event's entity would never reach the subscriber: its cursor moves past it.
 * Waiting holds back only the streams of this event's group, and keeps their order.
 */
export const UNAVAILABLE_RETRY_MS = 60_000;
const RETRY_BACKOFF = { initialDelayMs: 100, maxDelayMs: 2_000, jitter: 0.2 };

const unavailable = (errors: readonly GraphQLFormattedError[] | undefined) =>
  errors?.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE") ?? false;

export function entityResolver(
  apollo: ApolloServer<GatewayContext>,
  logger: Logger,
  retryForMs = UNAVAILABLE_RETRY_MS,
): EntityResolver {
  return async (planned, event, context) => {
    const { entityQuery, responseKey } = planned;
    const query = async () => {
      const response = await apollo.executeOperation(
        {
          query: entityQuery.query,
          variables: { ...planned.variables, [entityQuery.idVariable]: event.entity.id },
        },
        { contextValue: { ...context, resolvingEvent: true } },
      );
      if (response.body.kind !== "single") throw new Error("entity query answered incrementally");
      return response.body.singleResult;
    };
    const giveUpAt = Date.now() + retryForMs;
    let { data, errors } = await query();
    for (let attempt = 1; unavailable(errors) && Date.now() < giveUpAt; attempt++) {
      if (attempt === 1)
        logger.warn(
          { event: event.id, field: planned.binding.field },
          "a subgraph cannot resolve an event yet; retrying",
        );
      await sleep(backoffDelay(attempt, RETRY_BACKOFF));
      ({ data, errors } = await query());
    }
    const entity = data?.entity;
    const { topic, partition, offset } = event.cursor;
    const cursor = event.resume ?? encodeCursor({ topic, offsets: new Map([[partition, BigInt(offset)]]) });
    const extensions = { cursor };
    if (entity === null || entity === undefined) {
      if (!errors?.length) {
        // Deleted (or hidden) since the event: nothing to tell the subscriber.
        logger.debug(
          { event: event.id, entity: event.entity, field: planned.binding.field },
          "event entity is gone; skipped",
        );
        return null;
      }
      return { data: null, errors: renamePath(errors, responseKey), extensions };
    }
    const result: FormattedExecutionResult = { data: { [responseKey]: entity }, extensions };
    if (errors?.length) result.errors = renamePath(errors, responseKey);
    return result;
  };
}
