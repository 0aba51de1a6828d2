// Adapts node:http to Apollo Server's executeHTTPGraphQLRequest: headers, search params, a size-limited JSON body.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import { HttpError, readBody } from "./body.ts";
import { sendJson } from "./respond.ts";

export interface GraphQLHandlerOptions<TContext extends BaseContext> {
  maxBodyBytes: number;
  context: (headers: HeaderMap) => Promise<TContext>;
  /** Refuses a request before Apollo parses anything (the gateway's trusted documents); undefined admits it. */
  admit?: (request: HTTPGraphQLRequest) => { status: number; code: string; message: string } | undefined;
}

/** Set from the socket (any client-sent value is replaced), for the gateway's per-IP rate limits. */
export const CLIENT_IP_HEADER = "x-tributary-client-ip";

export function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  headers.set(CLIENT_IP_HEADER, req.socket.remoteAddress ?? "unknown");
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
    const refused = options.admit?.(httpGraphQLRequest);
    if (refused) return sendRefusal(res, headers, refused);
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
