// Refuses operations too large, deep, aliased, wide or costly before the gateway plans them.
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind } from "graphql";
import { measureOperation } from "./measure.ts";

export interface OperationLimits {
  maxDocumentBytes: number;
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxCost: number;
  defaultListSize: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDocumentBytes: 64 * 1024,
  maxDepth: 15,
  maxAliases: 50,
  maxRootFields: 30,
  maxCost: 50_000,
  defaultListSize: 20,
};

/** Every code `checkLimits` answers with: the caller's doing, so not logged as a gateway error. */
export const OPERATION_LIMIT_CODES = [
  "DOCUMENT_TOO_LARGE",
  "OPERATION_TOO_DEEP",
  "TOO_MANY_ALIASES",
  "TOO_MANY_ROOT_FIELDS",
  "OPERATION_TOO_COMPLEX",
] as const;

/** A refusal naming the limit and the value; 400 because the same request will always be refused. */
export function limitError(code: string, what: string, value: number, limit: number): GraphQLError {
  return new GraphQLError(`The operation's ${what} is ${value}; the limit is ${limit}.`, {
    extensions: { code, limit, value, http: { status: 400 } },
  });
}

/** The first limit a document exceeds, or undefined; shared by HTTP (Apollo) and WebSocket subscriptions. */
export function checkLimits(
  measured: { bytes: number; depth: number; aliases: number; rootFields: number; cost: number },
  limits: OperationLimits,
): GraphQLError | undefined {
  if (measured.bytes > limits.maxDocumentBytes)
    return limitError(
      "DOCUMENT_TOO_LARGE",
      "document size in bytes",
      measured.bytes,
      limits.maxDocumentBytes,
    );
  if (measured.depth > limits.maxDepth)
    return limitError("OPERATION_TOO_DEEP", "depth", measured.depth, limits.maxDepth);
  if (measured.aliases > limits.maxAliases)
    return limitError("TOO_MANY_ALIASES", "number of aliases", measured.aliases, limits.maxAliases);
  if (measured.rootFields > limits.maxRootFields)
    return limitError(
      "TOO_MANY_ROOT_FIELDS",
      "number of root fields",
      measured.rootFields,
      limits.maxRootFields,
    );
  if (measured.cost > limits.maxCost)
    return limitError("OPERATION_TOO_COMPLEX", "estimated cost", measured.cost, limits.maxCost);
  return undefined;
}

export function useOperationLimits(options: Partial<OperationLimits> = {}): ApolloServerPlugin {
  const limits: OperationLimits = {
    maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_OPERATION_LIMITS.maxDocumentBytes,
    maxDepth: options.maxDepth ?? DEFAULT_OPERATION_LIMITS.maxDepth,
    maxAliases: options.maxAliases ?? DEFAULT_OPERATION_LIMITS.maxAliases,
    maxRootFields: options.maxRootFields ?? DEFAULT_OPERATION_LIMITS.maxRootFields,
    maxCost: options.maxCost ?? DEFAULT_OPERATION_LIMITS.maxCost,
    defaultListSize: options.defaultListSize ?? DEFAULT_OPERATION_LIMITS.defaultListSize,
  };
  return {
    async requestDidStart() {
      return {
        // Runs after parsing and validation, before the gateway builds a query plan.
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation) return;
          const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
          const measured = measureOperation(schema, operation, fragments, request.variables ?? {}, limits);
          const bytes = Buffer.byteLength(request.query ?? "");
          const refused = checkLimits({ bytes, ...measured }, limits);
          if (refused) throw refused;
        },
      };
    },
  };
}
