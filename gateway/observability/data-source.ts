// The subgraph data source, observed: fetch latency per subgraph and W3C trace context in the request headers.
import type { GraphQLDataSourceProcessOptions, ServiceEndpointDefinition } from "@apollo/gateway";
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { subgraphFetchDuration } from "../../platform/metrics/index.ts";
import { traceHeaders } from "../../platform/tracing/index.ts";
import type { GatewayContext } from "../context.ts";
import type { EntityCache } from "../entity-cache/index.ts";
import { ForwardingDataSource, type ForwardingDataSourceOptions } from "../supergraph/data-source.ts";
import { createSubgraphHttp, type SubgraphHttp } from "../supergraph/subgraph-http.ts";

export class ObservedDataSource extends ForwardingDataSource {
  constructor(
    private readonly subgraph: string,
    options: ForwardingDataSourceOptions,
  ) {
    super(options);
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    super.willSendRequest(options);
    // Apollo Gateway's own "gateway.fetch" span is active here, so the subgraph's span becomes its child.
    for (const [name, value] of Object.entries(traceHeaders()))
      options.request.http?.headers.set(name, value);
  }

  /** Only fetches that reach the subgraph are measured: answers from the entity cache are not its latency. */
  protected override async forward(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const started = process.hrtime.bigint();
    let outcome = "error";
    try {
      const response = await super.forward(options);
      if (!response.errors?.length) outcome = "ok";
      return response;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      subgraphFetchDuration.observe({ subgraph: this.subgraph, outcome }, seconds);
    }
  }
}

/** Drop-in for `forwardingServices`: the same forwarding, measured and traced. */
export function observedServices(
  overrides: Record<string, string>,
  {
    http = createSubgraphHttp(),
    secret,
    cache,
  }: { http?: SubgraphHttp; secret?: string; cache?: EntityCache } = {},
) {
  return ({ name, url }: ServiceEndpointDefinition) =>
    new ObservedDataSource(name, { name, url: overrides[name] ?? url ?? "", http, secret, cache });
}
