// The REST facade: the route table's routes, /openapi.json and the /docs page, served from the supergraph.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServer, ApolloServerPlugin, HeaderMap } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import { headerMap } from "../../platform/http/graphql.ts";
import { sendJson } from "../../platform/http/respond.ts";
import type { Logger } from "../../platform/logger.ts";
import { describeMalformedText, malformedInValue } from "../../platform/well-formed-text.ts";
import type { GatewayContext } from "../context.ts";
import { bindVariables } from "./bind.ts";
import { checkAgainst, declaredRoutes } from "./declared.ts";
import { DOCS_PATH, serveDocs } from "./docs-page.ts";
import { executeRoute } from "./execute.ts";
import { routeMatcher } from "./match.ts";
import { problem, sendProblem } from "./problem.ts";
import { readJsonBody } from "./request-body.ts";
import { REST_HEALTH_PATH, REST_ROUTES, type RestRoute } from "./routes.ts";
import { type OpenSubscription, serveStream } from "./stream.ts";

export { DOCS_PATH } from "./docs-page.ts";
export const OPENAPI_PATH = "/openapi.json";

export interface RestFacadeOptions {
  /** Read per request: the server is built after the facade (the facade's plugin is part of it). */
  apollo: () => ApolloServer<GatewayContext>;
  /** The context POST /graphql builds from the same headers. */
  context: (headers: HeaderMap) => Promise<GatewayContext>;
  maxBodyBytes: number;
  /** The subscription engine's entry for streams; undefined when subscriptions are off. */
  openSubscription?: OpenSubscription;
  logger: Logger;
}

export interface RestFacade {
  /** Checks the operations against every supergraph loaded and rebuilds the OpenAPI document. */
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Serves the request when it is the facade's; false leaves it to the caller. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Every route's path template, for the `route` label of the HTTP metrics. */
  readonly paths: readonly string[];
}

export function restFacade(options: RestFacadeOptions): RestFacade {
  const log = options.logger.child({ component: "rest" });
  const declared = declaredRoutes();
  const matcher = routeMatcher<RestRoute>(REST_ROUTES);
  let schema: GraphQLSchema | undefined;
  /** Routes whose operation does not validate against the loaded supergraph, with why. */
  let broken = new Map<RestRoute, string>();
  let openApiJson = "";

  function schemaLoaded(apiSchema: GraphQLSchema): void {
    const check = checkAgainst(apiSchema, declared);
    for (const [route, why] of check.broken)
      log.warn(
        { route: `${route.method} ${route.path}`, errors: why },
        "REST route does not match the supergraph",
      );
    openApiJson = JSON.stringify(check.document);
    broken = check.broken;
    schema = apiSchema;
  }

  async function serveRoute(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: RestRoute,
    params: Record<string, string>,
  ) {
    const prepared = declared.get(route)!;
    if (!schema)
      return sendProblem(
        res,
        problem("SERVICE_UNAVAILABLE", "The gateway has not loaded its supergraph yet; retry shortly."),
      );
    const why = broken.get(route);
    if (why)
      return sendProblem(
        res,
        problem(
          "INTERNAL_SERVER_ERROR",
          `This route's operation does not match the loaded supergraph: ${why}`,
        ),
      );
    const body = await readJsonBody(req, route.method, options.maxBodyBytes);
    if (body.problem) return sendProblem(res, body.problem);
    const lastEventId = req.headers["last-event-id"];
    const binding = bindVariables(schema, prepared.operation, prepared.bound, {
      params,
      query: url.searchParams,
      body: body.value,
      lastEventId: typeof lastEventId === "string" ? lastEventId : undefined,
    });
    if ("errors" in binding) {
      const [first = "", ...rest] = binding.errors;
      const detail = rest.length > 0 ? binding.errors.join(" ") : first;
      return sendProblem(
        res,
        problem(
          "BAD_USER_INPUT",
          detail,
          rest.length > 0
            ? { errors: binding.errors.map((message) => ({ message, code: "BAD_USER_INPUT" })) }
            : {},
        ),
      );
    }
    // As at POST /graphql: text no database can store is the caller's mistake, refused before anything runs.
    const malformed = malformedInValue(binding.variables, "variables");
    if (malformed) return sendProblem(res, problem("BAD_USER_INPUT", describeMalformedText(malformed)));
    const headers = headerMap(req);
    if (route.stream) {
      if (!options.openSubscription)
        return sendProblem(
          res,
          problem("SERVICE_UNAVAILABLE", "Subscriptions are disabled on this gateway."),
        );
      let caller: GatewayContext;
      try {
        caller = await options.context(headers);
      } catch (error) {
        const { message, extensions } = error as { message: string; extensions?: { code?: string } };
        return sendProblem(res, problem(extensions?.code ?? "UNAUTHENTICATED", message));
      }
      const { requestId: _, ...rest } = caller;
      const opened = await options.openSubscription(rest, {
        query: prepared.operation.source,
        operationName: prepared.operation.name,
        variables: binding.variables,
      });
      return serveStream(res, opened, prepared.responseKey);
    }
    const outcome = await executeRoute({
      apollo: options.apollo(),
      context: options.context,
      headers,
      route,
      source: prepared.operation.source,
      responseKey: prepared.responseKey,
      variables: binding.variables,
    });
    if (outcome.problem) return sendProblem(res, outcome.problem, outcome.headers);
    if (outcome.status === 204) {
      res.writeHead(204, outcome.headers);
      return void res.end();
    }
    res.setHeader("content-type", "application/json; charset=utf-8");
    for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
    return sendJson(res, outcome.status, outcome.body);
  }

  return {
    paths: [...new Set([...REST_ROUTES.map((r) => r.path), REST_HEALTH_PATH, OPENAPI_PATH, DOCS_PATH])],
    plugin: {
      async serverWillStart() {
        return { schemaDidLoadOrUpdate: ({ apiSchema }) => schemaLoaded(apiSchema) };
      },
    },
    async handle(req, res, url) {
      const { pathname } = url;
      const method = (req.method ?? "GET").toUpperCase();
      if (pathname === OPENAPI_PATH) {
        if (!openApiJson)
          sendProblem(res, problem("SERVICE_UNAVAILABLE", "The gateway has not loaded its supergraph yet."));
        else {
          res.writeHead(200, {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(openApiJson),
          });
          res.end(openApiJson);
        }
        return true;
      }
      if (serveDocs(pathname, res)) return true;
      if (pathname === REST_HEALTH_PATH) {
        sendJson(res, 200, { status: "ok" });
        return true;
      }
      if (!matcher.owns(pathname)) return false;
      const match = matcher.match(method, pathname);
      if (match.kind === "none")
        sendProblem(res, problem("NOT_FOUND", `No REST route at ${pathname}; see ${OPENAPI_PATH}.`));
      else if (match.kind === "method")
        sendProblem(res, problem("METHOD_NOT_ALLOWED", `${pathname} answers ${match.allow.join(", ")}.`), {
          allow: match.allow.join(", "),
        });
      else await serveRoute(req, res, url, match.route, match.params);
      return true;
    },
  };
}
