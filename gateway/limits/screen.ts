// The operation limits (and the subscription-root check graphql-js validation would crash on) applied to an
// HTTP request before Apollo parses and validates it: validation's own rules are not linear in every document,
// and a document over the limits need not reach them.
import { type GraphQLError, type GraphQLSchema, getOperationAST, parse } from "graphql";
import { refuseConditionalRoot } from "../validation/unconditional-subscription-root.ts";
import { checkLimits, type OperationLimits, refuseOverLimits } from "./plugin.ts";

export interface ScreenedRequest {
  query: unknown;
  operationName: unknown;
  variables: unknown;
}

/** A GraphQL-over-HTTP request's operation, from a JSON body or, for GET, the query string. */
export function requestOf(body: unknown, search: URLSearchParams): ScreenedRequest | undefined {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const { query, operationName, variables } = body as Record<string, unknown>;
    return { query, operationName, variables };
  }
  if (body !== undefined || !search.has("query")) return undefined;
  let variables: unknown;
  try {
    variables = JSON.parse(search.get("variables") ?? "{}");
  } catch {
    variables = undefined;
  }
  return { query: search.get("query"), operationName: search.get("operationName"), variables };
}

/**
 * The limit the request's operation exceeds, or undefined for everything else — including documents that do
 * not parse or name no operation, which Apollo then answers with its own codes.
 */
export function screenRequest(
  request: ScreenedRequest | undefined,
  schema: GraphQLSchema | undefined,
  limits: OperationLimits & { maxTokens?: number },
): GraphQLError | undefined {
  if (!schema || !request || typeof request.query !== "string") return undefined;
  const bytes = Buffer.byteLength(request.query);
  if (bytes > limits.maxDocumentBytes)
    return checkLimits({ bytes, depth: 0, aliases: 0, rootFields: 0, cost: 0, fields: 0 }, limits);
  let document: ReturnType<typeof parse>;
  try {
    document = parse(request.query, { maxTokens: limits.maxTokens });
  } catch {
    return undefined;
  }
  const name = typeof request.operationName === "string" ? request.operationName : undefined;
  const operation = getOperationAST(document, name);
  if (!operation) return undefined;
  const conditional = refuseConditionalRoot(document, operation);
  if (conditional) return conditional;
  const variables =
    request.variables && typeof request.variables === "object" && !Array.isArray(request.variables)
      ? (request.variables as Record<string, unknown>)
      : {};
  return refuseOverLimits(schema, document, operation, variables, limits, bytes);
}
