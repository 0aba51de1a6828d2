// Adapts node:http to Apollo Server's executeHTTPGraphQLRequest: headers, search params, a size-limited JSON body.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import type { GraphQLError } from "graphql";
import { describeMalformedText, type GraphQLRequestText, malformedInRequest } from "../well-formed-text.ts";
import { HttpError, readBody } from "./body.ts";
import { sendJson } from "./respond.ts";

export interface GraphQLHandlerOptions<TContext extends BaseContext> {
  maxBodyBytes: number;
  context: (headers: HeaderMap) => Promise<TContext>;
  /** Looks at the parsed body (or GET query string) before Apollo does; an error answers the request. */
  screen?: (body: unknown, url: URL) => GraphQLError | undefined;
  /** A transport that may take the request over once its body is read (the gateway's multipart subscriptions). */
  takeOver?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;
  /** Refuses a request before Apollo parses anything (the gateway's trusted documents); undefined admits it. */
  admit?: (request: HTTPGraphQLRequest) => { status: number; code: string; message: string } | undefined;
}

/** Set from the socket (any client-sent value is replaced), for the gateway's per-IP rate limits. */
export const CLIENT_IP_HEADER = "x-tributary-client-ip";

/**
 * Set (any client-sent value is replaced) on a GET that asks for a GraphQL JSON response, as urql's default client
 * sends queries. The gateway lists it among the headers that satisfy Apollo's CSRF prevention: GET never runs a
 * mutation (Apollo refuses them), the gateway authenticates by the authorization header and never by cookies, so
 * a cross-site GET runs anonymously, and CORS keeps its response from the foreign page. docs/security.md.
 */
export const JSON_GET_HEADER = "x-tributary-json-get";

const GRAPHQL_JSON = /\bapplication\/(graphql-response\+json|json)\b/i;

export function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  headers.set(CLIENT_IP_HEADER, req.socket.remoteAddress ?? "unknown");
  headers.delete(JSON_GET_HEADER);
  if (req.method === "GET" && GRAPHQL_JSON.test(headers.get("accept") ?? ""))
    headers.set(JSON_GET_HEADER, "1");
  return headers;
}

async function parseBody(req: IncomingMessage, headers: HeaderMap, limit: number): Promise<unknown> {
  if (req.method !== "POST") return undefined;
  const text = await readBody(req, limit);
  // Apollo answers non-JSON bodies itself (CSRF prevention first); only JSON is parsed here.
  if (!/^application\/(.+\+)?json/i.test(headers.get("content-type") ?? "")) return text;
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
}

/** GET carries the request in the query string, variables and extensions as JSON text. */
function requestText(body: unknown, url: URL): GraphQLRequestText | GraphQLRequestText[] {
  if (body !== undefined && typeof body === "object" && body !== null)
    return body as GraphQLRequestText | GraphQLRequestText[];
  const json = (name: string) => {
    const text = url.searchParams.get(name);
    try {
      return text === null ? undefined : JSON.parse(text);
    } catch {
      return undefined; // Apollo answers malformed JSON itself.
    }
  };
  return {
    query: url.searchParams.get("query") ?? undefined,
    operationName: url.searchParams.get("operationName") ?? undefined,
    variables: json("variables"),
    extensions: json("extensions"),
  };
}

/**
 * A GraphQL error answer in the media type the client asked for, as Apollo's own answers are: clients following
 * the GraphQL-over-HTTP spec (Apollo Client 4) read a 4xx body's errors only from application/graphql-response+json.
 */
function sendRefusal(
  res: ServerResponse,
  headers: HeaderMap,
  refused: { status: number; code: string; message: string },
): void {
  const text = JSON.stringify({ errors: [{ message: refused.message, extensions: { code: refused.code } }] });
  const type = /application\/graphql-response\+json/i.test(headers.get("accept") ?? "")
    ? "application/graphql-response+json"
    : "application/json";
  res.writeHead(refused.status, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function graphqlHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: GraphQLHandlerOptions<TContext>,
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const headers = headerMap(req);
    let body: unknown;
    try {
      body = await parseBody(req, headers, options.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return sendJson(res, error.status, {
        errors: [{ message: error.message, extensions: { code: "BAD_REQUEST" } }],
      });
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      headers,
      search: url.search,
      body,
    };
    // Trusted documents first: in only-mode nothing unlisted reaches any transport or parser.
    const unlisted = options.admit?.(httpGraphQLRequest);
    if (unlisted) return sendRefusal(res, headers, unlisted);
    if (await options.takeOver?.(req, res, body)) return;
    // Before Apollo, so a lone surrogate in a literal is the caller's text problem, not a syntax error, and no
    // resolver, subgraph or database ever sees one.
    const requests = [requestText(body, url)].flat();
    const malformed = requests.map((request) => malformedInRequest(request)).find(Boolean);
    if (malformed) {
      return sendJson(res, 400, {
        errors: [
          {
            message: describeMalformedText(malformed),
            extensions: { code: "BAD_USER_INPUT", field: malformed.path },
          },
        ],
      });
    }
    const refused = options.screen?.(body, url);
    if (refused) {
      const { http, ...extensions } = refused.extensions as { http?: { status?: number } };
      return sendJson(res, http?.status ?? 400, { errors: [{ message: refused.message, extensions }] });
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: () => options.context(headers),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") return void res.end(response.body.string);
    // Incremental delivery (@defer): write each part as Apollo produces it.
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
