// Resolves one event for one subscription group: the rewritten entity query through Apollo's federated plan.
import type { ApolloServer } from "@apollo/server";
import type { FormattedExecutionResult, GraphQLFormattedError } from "graphql";
import type { Logger } from "../../../platform/logger.ts";
import type { GatewayContext } from "../../context.ts";
import { encodeCursor } from "../source/cursor.ts";
import type { EntityResolver } from "./hub.ts";

/** Errors point at the query's `entity` alias; clients expect the subscription field's response key. */
function renamePath(errors: readonly GraphQLFormattedError[], responseKey: string): GraphQLFormattedError[] {
  return errors.map((e) =>
    e.path?.[0] === "entity" ? { ...e, path: [responseKey, ...e.path.slice(1)] } : e,
  );
}

export function entityResolver(apollo: ApolloServer<GatewayContext>, logger: Logger): EntityResolver {
  return async (planned, event, context) => {
    const { entityQuery, responseKey } = planned;
    const response = await apollo.executeOperation(
      {
        query: entityQuery.query,
        variables: { ...planned.variables, [entityQuery.idVariable]: event.entity.id },
      },
      { contextValue: { ...context, resolvingEvent: true } },
    );
    if (response.body.kind !== "single") throw new Error("entity query answered incrementally");
    const { data, errors } = response.body.singleResult;
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
