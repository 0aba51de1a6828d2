// The HTTP path's operation limits (gateway/limits) applied at subscribe time over graphql-ws and graphql-sse.
import type { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { runtimeError } from "../../graphql-runtime.ts";
import {
  checkLimits,
  DEFAULT_OPERATION_LIMITS,
  type OperationLimits,
  refuseOverLimits,
} from "../../limits/plugin.ts";

export type StreamingLimits = OperationLimits & { maxTokens?: number };

export const DEFAULT_STREAMING_LIMITS: StreamingLimits = DEFAULT_OPERATION_LIMITS;

/**
 * The refusal as graphql-ws and graphql-sse send it: same message and code as over HTTP, without
 * Apollo's `http` hint (there is no status to set on a socket), built in graphql-ws' realm.
 */
function forStream(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  return runtimeError({ message: error.message, extensions });
}

/** DOCUMENT_TOO_LARGE before the document is parsed at all. */
export function refuseTooLarge(source: string, limits: StreamingLimits): GraphQLError | undefined {
  const bytes = Buffer.byteLength(source);
  if (bytes <= limits.maxDocumentBytes) return undefined;
  // Only the size decides here; the rest of the measure is irrelevant and not computed.
  const refused = checkLimits({ bytes, depth: 0, aliases: 0, rootFields: 0, cost: 0, fields: 0 }, limits);
  return refused && forStream(refused);
}

/**
 * Fields after fragment expansion, depth, aliases, root fields and cost of a parsed operation: the first limit
 * it exceeds. Runs before validation, whose own rules are not linear in every document.
 */
export function refuseOverLimit(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: StreamingLimits,
): GraphQLError | undefined {
  const refused = refuseOverLimits(schema, document, operation, variables, limits);
  return refused && forStream(refused);
}
