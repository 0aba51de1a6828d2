// Refuses operations too large, deep, aliased, wide or costly before the gateway plans them.
import type { ApolloServerPlugin } from "@apollo/server";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from "graphql";
import { measureOperation, type OperationMeasure } from "./measure.ts";

export interface OperationLimits {
  maxDocumentBytes: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxCost: number;
  /** Fields once fragments are expanded, each spread counted again: what planning and execution walk. */
  maxExpandedFields: number;
  defaultListSize: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDocumentBytes: 64 * 1024,
  maxDepth: 15,
  maxAliases: 50,
  maxRootFields: 30,
  maxCost: 50_000,
  maxExpandedFields: 2_000,
  defaultListSize: 20,
};

type Measured = { bytes: number } & Omit<OperationMeasure, "stoppedAt">;

/** Each limit in the order it is checked: what is measured, its limit, the code and the words of a refusal. */
const LIMIT_CHECKS = [
  ["bytes", "maxDocumentBytes", "DOCUMENT_TOO_LARGE", "document size in bytes"],
  ["fields", "maxExpandedFields", "OPERATION_TOO_LARGE", "number of fields with fragments expanded"],
  ["depth", "maxDepth", "OPERATION_TOO_DEEP", "depth"],
  ["aliases", "maxAliases", "TOO_MANY_ALIASES", "number of aliases"],
  ["rootFields", "maxRootFields", "TOO_MANY_ROOT_FIELDS", "number of root fields"],
  ["cost", "maxCost", "OPERATION_TOO_COMPLEX", "estimated cost"],
] as const satisfies ReadonlyArray<readonly [keyof Measured, keyof OperationLimits, string, string]>;

/** Every code `checkLimits` answers with: the caller's doing, so not logged as a gateway error. */
export const OPERATION_LIMIT_CODES = LIMIT_CHECKS.map(([, , code]) => code);

/** A refusal naming the limit and the value; 400 because the same request will always be refused. */
export function limitError(code: string, what: string, value: number, limit: number): GraphQLError {
  return new GraphQLError(`The operation's ${what} is ${value}; the limit is ${limit}.`, {
    extensions: { code, limit, value, http: { status: 400 } },
  });
}

/** The first limit a document exceeds, or undefined; shared by HTTP (Apollo) and WebSocket subscriptions. */
export function checkLimits(measured: Measured, limits: OperationLimits): GraphQLError | undefined {
  for (const [measure, limit, code, what] of LIMIT_CHECKS) {
    if (measured[measure] > limits[limit]) return limitError(code, what, measured[measure], limits[limit]);
  }
  return undefined;
}

/**
 * Measures a parsed operation against the limits, stopping at the first total past its limit; safe before
 * validation too (fragment cycles are cut, unknown fields count 1). The HTTP plugin and the streaming
 * transports both call this.
 */
export function refuseOverLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: OperationLimits,
  bytes = 0,
): GraphQLError | undefined {
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  const measured = measureOperation(schema, operation, fragments, variables, {
    ...limits,
    ceilings: {
      depth: limits.maxDepth,
      aliases: limits.maxAliases,
      rootFields: limits.maxRootFields,
      cost: limits.maxCost,
      fields: limits.maxExpandedFields,
    },
  });
  return checkLimits({ bytes, ...measured }, limits);
}

export function useOperationLimits(options: Partial<OperationLimits> = {}): ApolloServerPlugin {
  const limits: OperationLimits = {
    maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_OPERATION_LIMITS.maxDocumentBytes,
    maxDepth: options.maxDepth ?? DEFAULT_OPERATION_LIMITS.maxDepth,
    maxAliases: options.maxAliases ?? DEFAULT_OPERATION_LIMITS.maxAliases,
    maxRootFields: options.maxRootFields ?? DEFAULT_OPERATION_LIMITS.maxRootFields,
    maxCost: options.maxCost ?? DEFAULT_OPERATION_LIMITS.maxCost,
    maxExpandedFields: options.maxExpandedFields ?? DEFAULT_OPERATION_LIMITS.maxExpandedFields,
    defaultListSize: options.defaultListSize ?? DEFAULT_OPERATION_LIMITS.defaultListSize,
  };
  return {
    async requestDidStart() {
      return {
        // Runs after parsing and validation, before the gateway builds a query plan.
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation) return;
          const bytes = Buffer.byteLength(request.query ?? "");
          const refused = refuseOverLimits(
            schema,
            document,
            operation,
            request.variables ?? {},
            limits,
            bytes,
          );
          if (refused) throw refused;
        },
      };
    },
  };
}
