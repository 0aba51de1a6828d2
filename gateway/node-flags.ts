// The Node/V8 flags the gateway runs with wherever it is started: `npm start` (scripts/start/launchers.ts),
// `npm run gateway` (package.json), the image (Dockerfile, docker-compose.yml) and the bench.
//
// Why a 64 MB young-generation semi-space (V8's default is 16 MB): every request allocates its subgraph
// answers, the merged result and the response string, and with tens of requests in flight most of that is
// still alive when a 16 MB semi-space fills, so scavenges copy it and promote it to the old generation,
// which then needs full collections. With 64 MB it mostly dies young: less CPU per request, for a higher
// peak resident memory (bench/gateways shows both, docs/benchmarks.md "Gateways side by side").
export const GATEWAY_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];
