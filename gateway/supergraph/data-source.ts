// How the gateway talks to a subgraph: forwards the caller's identity, reuses keep-alive sockets (node:http),
// and lets identical queries in flight at the same moment share one subgraph request.
import type {
  GraphQLDataSource,
  GraphQLDataSourceProcessOptions,
  ServiceEndpointDefinition,
} from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { GraphQLError } from "graphql";
import { GATEWAY_SECRET_CHALLENGE, GATEWAY_SECRET_HEADER } from "../../platform/auth/gateway-secret.ts";
import { SIDE_EFFECT_HEADER } from "../../platform/http/side-effects.ts";
import type { GatewayContext } from "../context.ts";
import type { EntityCache } from "../entity-cache/index.ts";
import { InFlight } from "./in-flight.ts";
import { RequestHeaders } from "./request-headers.ts";
import { parseBody, SubgraphAnswer } from "./subgraph-answer.ts";
import { createSubgraphHttp, type SubgraphHttp, type SubgraphReply } from "./subgraph-http.ts";

export interface ForwardingDataSourceOptions {
  /** The subgraph's name, as errors tell it to clients (never its address). */
  name: string;
  url: string;
  http: SubgraphHttp;
  /** GATEWAY_SECRET: proves to the subgraph that the request comes from the gateway. */
  secret?: string;
  /** Answers what it holds of each fetch (gateway/entity-cache); unset sends every fetch. */
  cache?: EntityCache;
}

function responseHeaders(reply: SubgraphReply): RequestHeaders {
  const headers = new RequestHeaders();
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * The error RemoteGraphQLDataSource raises for a non-2xx answer, with the same message and extensions, less
 * the subgraph's URL: clients learn nothing about internal hosts and ports.
 */
function httpError(reply: SubgraphReply): GraphQLError {
  const code = reply.status === 401 ? "UNAUTHENTICATED" : reply.status === 403 ? "FORBIDDEN" : undefined;
  const { status, statusText } = reply;
  return new GraphQLError(`${status}: ${statusText}`, {
    extensions: { response: { status, statusText, body: parseBody(reply) }, ...(code ? { code } : {}) },
  });
}

/** A proxy's "nobody behind me" answers: the subgraph is as unreachable as when the connection is refused. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/**
 * What a client sees when a subgraph cannot be reached (refused, reset, timed out, behind a failing proxy):
 * which service, never where it runs. The cause stays on the error for the gateway's log.
 */
export function serviceUnavailable(name: string, cause?: unknown): GraphQLError {
  return new GraphQLError(`The ${name} service is unavailable; try again shortly.`, {
    originalError: cause instanceof Error ? cause : undefined,
    extensions: { code: "SERVICE_UNAVAILABLE", serviceName: name },
  });
}

/** Narrows the operation's cache policy by the subgraph's Cache-Control, as RemoteGraphQLDataSource does. */
function restrictCachePolicy(
  options: GraphQLDataSourceProcessOptions<GatewayContext>,
  headers: RequestHeaders,
) {
  if (!("incomingRequestContext" in options)) return;
  const policy = options.incomingRequestContext.overallCachePolicy;
  if (!policy || !("restrict" in policy)) return;
  const directives = (headers.get("cache-control") ?? "").split(",").map((d) => d.trim().toLowerCase());
  const maxAge = directives.find((d) => /^max-age\s*=\s*"?\d+"?$/.test(d))?.replace(/\D/g, "");
  const scope = directives.includes("private")
    ? "PRIVATE"
    : directives.includes("public")
      ? "PUBLIC"
      : undefined;
  policy.restrict({ maxAge: maxAge ? Number(maxAge) : 0, ...(scope ? { scope } : {}) });
}

/**
 * Only fetches made for an incoming query over HTTP may be shared (see GatewayContext.shareSubgraphFetches):
 * after a mutation, a read must see that mutation, so it never joins a read started before it. A read the
 * subgraph marks as having a side effect (platform/http/side-effects.ts) is shared with no one.
 */
function mayShare(options: GraphQLDataSourceProcessOptions<GatewayContext>): boolean {
  if (!("incomingRequestContext" in options)) return false;
  const { operation, context } = options.incomingRequestContext;
  return operation?.operation === "query" && context.shareSubgraphFetches === true;
}

export class ForwardingDataSource implements GraphQLDataSource<GatewayContext> {
  readonly name: string;
  readonly url: string;
  private readonly http: SubgraphHttp;
  private readonly secret: string | undefined;
  private readonly cache: EntityCache | undefined;
  // Per subgraph; the key is the caller's token and the exact body, so different viewers never share.
  // The shared request carries the first caller's x-request-id and trace context.
  private readonly inFlight = new InFlight<SubgraphAnswer>();

  constructor(options: ForwardingDataSourceOptions) {
    this.name = options.name;
    this.url = options.url;
    this.http = options.http;
    this.secret = options.secret;
    this.cache = options.cache;
  }

  willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and the gateway's own requests carry no caller context.
    const caller = context as Partial<GatewayContext> | undefined;
    if (caller?.authorization) request.http?.headers.set("authorization", caller.authorization);
    if (caller?.requestId) request.http?.headers.set("x-request-id", caller.requestId);
    // Every call, the subscription engine's and readiness' included, goes through here.
    if (this.secret) request.http?.headers.set(GATEWAY_SECRET_HEADER, this.secret);
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    if (!this.cache) return this.forward(options);
    const response = await this.cache.process(this.name, options, (o) => this.forward(o));
    // Answered from the cache alone: the policy narrows as for a subgraph that sent no Cache-Control.
    if (!response.http) restrictCachePolicy(options, new RequestHeaders());
    return response;
  }

  /** Sends one fetch to the subgraph (shared with identical ones in flight when allowed). */
  protected async forward(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const headers = new RequestHeaders([["content-type", "application/json"]]);
    request.http = { method: "POST", url: this.url, headers };
    await this.willSendRequest(options);
    if (!request.query) throw new Error("Missing query");
    const { http: _http, ...payload } = request;
    const body = JSON.stringify(payload);
    const send = () =>
      this.http.post(this.url, headers.toObject(), body).catch((error: unknown) => {
        throw serviceUnavailable(this.name, error);
      });
    let answer: SubgraphAnswer;
    let callers = 1;
    if (mayShare(options)) {
      let started = false;
      const sharing = this.inFlight.join(`${headers.get("authorization") ?? ""}\n${body}`, () => {
        started = true;
        return send().then((reply) => new SubgraphAnswer(reply));
      });
      answer = await sharing.result;
      callers = sharing.callers;
      // The subgraph changed something for the caller that sent it (counted a view): that answer is theirs,
      // and this caller's request is sent on its own, so every request has its effect.
      if (!started && answer.reply.headers[SIDE_EFFECT_HEADER] !== undefined) {
        answer = new SubgraphAnswer(await send());
        callers = 1;
      }
    } else {
      answer = new SubgraphAnswer(await send());
    }
    const { reply } = answer;
    if (UNAVAILABLE_STATUSES.has(reply.status)) throw serviceUnavailable(this.name);
    if (reply.status === 401 && reply.headers["www-authenticate"] === GATEWAY_SECRET_CHALLENGE) {
      // Not the client's doing: this gateway's GATEWAY_SECRET is missing or differs from the subgraph's.
      const cause = new Error(`${this.name} refused the gateway: GATEWAY_SECRET is not the same on both`);
      throw serviceUnavailable(this.name, cause);
    }
    if (reply.status < 200 || reply.status > 299) throw httpError(reply);
    // Each caller gets objects of its own even when the fetch was shared: Apollo merges them into its result.
    const parsed = answer.body(callers);
    if (typeof parsed !== "object" || parsed === null) {
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    }
    const replyHeaders = responseHeaders(reply);
    restrictCachePolicy(options, replyHeaders);
    return { ...(parsed as GatewayGraphQLResponse), http: { headers: replyHeaders, status: reply.status } };
  }
}

/** One keep-alive pool shared by every subgraph's data source. */
export function forwardingServices(
  overrides: Record<string, string>,
  http: SubgraphHttp = createSubgraphHttp(),
  secret?: string,
  cache?: EntityCache,
) {
  return ({ name, url }: ServiceEndpointDefinition) =>
    new ForwardingDataSource({ name, url: overrides[name] ?? url ?? "", http, secret, cache });
}
