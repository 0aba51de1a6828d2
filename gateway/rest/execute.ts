// Runs a route's operation through Apollo Server exactly as POST /graphql would (same context, plugins: auth, rate
// limits, operation limits, metrics, traces) and turns its answer into REST: the root field's value, or a problem.
import type { ApolloServer, BaseContext, HeaderMap } from "@apollo/server";
import type { Problem } from "./problem.ts";
import { problem } from "./problem.ts";
import type { RestRoute } from "./routes.ts";

export interface RestOutcome {
  status: number;
  headers: Record<string, string>;
  /** JSON for 2xx; undefined for 204. */
  body?: unknown;
  problem?: Problem;
}

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: unknown; retryAfterSeconds?: unknown } }[];
  /** Where Apollo Gateway reports a non-null field it could not complete, leaving `data: null` and no errors. */
  extensions?: { valueCompletion?: { message: string }[] };
}

export interface ExecuteInput<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (headers: HeaderMap) => Promise<TContext>;
  /** The client's headers (authorization, x-request-id, the socket's address); content type and accept are set here. */
  headers: HeaderMap;
  route: RestRoute;
  source: string;
  responseKey: string;
  variables: Record<string, unknown>;
}

/** `/users/{user.id}` filled from the result; undefined when a field is missing. */
export function fillLocation(template: string, value: unknown): string | undefined {
  let missing = false;
  const filled = template.replace(/\{([\w.]+)\}/g, (_, path: string) => {
    let at: unknown = value;
    for (const key of path.split(".")) at = (at as Record<string, unknown> | null)?.[key];
    if (typeof at !== "string" && typeof at !== "number") missing = true;
    return encodeURIComponent(String(at));
  });
  return missing ? undefined : filled;
}

function fromErrors(answer: GraphQLAnswer, headers: HeaderMap): RestOutcome {
  const errors = (answer.errors ?? []).map((e) => ({
    message: e.message,
    code: typeof e.extensions?.code === "string" ? e.extensions.code : "INTERNAL_SERVER_ERROR",
  }));
  const first = errors[0]!;
  const retryAfter = headers.get("retry-after");
  const retryAfterSeconds = answer.errors?.[0]?.extensions?.retryAfterSeconds;
  const body = problem(first.code, first.message, {
    ...(errors.length > 1 ? { errors } : {}),
    ...(typeof retryAfterSeconds === "number" ? { retryAfterSeconds } : {}),
  });
  return { status: body.status, headers: retryAfter ? { "retry-after": retryAfter } : {}, problem: body };
}

export async function executeRoute<TContext extends BaseContext>(
  input: ExecuteInput<TContext>,
): Promise<RestOutcome> {
  const { route, headers } = input;
  headers.set("content-type", "application/json");
  // Plain JSON answers (not graphql-response+json): the status is decided here, from the codes.
  headers.set("accept", "application/json");
  const response = await input.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: "POST",
      headers,
      search: "",
      body: { query: input.source, operationName: route.operation, variables: input.variables },
    },
    context: () => input.context(headers),
  });
  if (response.body.kind !== "complete") {
    const body = problem(
      "INTERNAL_SERVER_ERROR",
      "The operation answered incrementally; REST routes cannot.",
    );
    return { status: 500, headers: {}, problem: body };
  }
  const answer = JSON.parse(response.body.string) as GraphQLAnswer;
  // Partial data is never passed off as a whole resource: any error answers the request.
  if (answer.errors?.length) return fromErrors(answer, response.headers);
  if (answer.data === null || answer.data === undefined) {
    // Not the caller's doing: the supergraph holds something it cannot complete (e.g. a post whose author is gone).
    const why =
      answer.extensions?.valueCompletion?.[0]?.message ?? "The operation answered neither data nor errors.";
    const body = problem("INTERNAL_SERVER_ERROR", why);
    return { status: 500, headers: {}, problem: body };
  }
  const value = answer.data?.[input.responseKey];
  if (value === null || value === undefined || (route.noContent && value === false)) {
    const code = route.whenNull ?? "NOT_FOUND";
    const detail =
      code === "UNAUTHENTICATED"
        ? "Sign in first: send `Authorization: Bearer <token>`."
        : "There is nothing here, or it is not visible to you.";
    const body = problem(code, detail);
    return { status: body.status, headers: {}, problem: body };
  }
  if (route.noContent) return { status: 204, headers: {} };
  if (route.created) {
    const location = fillLocation(route.created.location, value);
    return { status: 201, headers: location ? { location } : {}, body: value };
  }
  return { status: 200, headers: {}, body: value };
}
