// Production turns the developer conveniences off; each one can be turned back on, alone, on purpose.
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const started: TestGateway[] = [];
afterAll(() => Promise.all(started.map((gw) => gw.stop())));

async function production(env: Record<string, string> = {}): Promise<TestGateway> {
  const gw = await startTestGateway({
    NODE_ENV: "production",
    JWT_SECRET: "a-production-secret-that-is-long-enough-0123",
    GATEWAY_SECRET: "a-gateway-secret-that-is-long-enough-0123",
    SUPERGRAPH_PATH: SUPERGRAPH,
    SUPERGRAPH_WATCH: "false",
    ...env,
  });
  started.push(gw);
  return gw;
}

const introspect = async (gw: TestGateway) => {
  const body = (await (await gw.post({ query: "{ __schema { queryType { name } } }" })).json()) as {
    data?: unknown;
    errors?: { extensions?: { code?: string } }[];
  };
  return body.data ?? body.errors?.[0]?.extensions?.code;
};
const landingPage = async (gw: TestGateway) =>
  /EmbeddedSandbox|sandbox/i.test(await (await fetch(gw.url, { headers: { accept: "text/html" } })).text());
const preflight = (gw: TestGateway, origin: string) =>
  fetch(gw.url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST" },
  }).then((r) => r.headers.get("access-control-allow-origin"));

describe("production switches", () => {
  it("keeps introspection, Sandbox and CORS off by default", async () => {
    const gw = await production();
    expect(await introspect(gw)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(await landingPage(gw)).toBe(false);
    expect(await preflight(gw, "https://app.example")).toBeNull();
  });

  it("turns introspection on alone with INTROSPECTION=true, Sandbox staying off", async () => {
    const gw = await production({ INTROSPECTION: "true" });
    expect(await introspect(gw)).toEqual({ __schema: { queryType: { name: "Query" } } });
    expect(await landingPage(gw)).toBe(false);
  });

  it("serves Sandbox with SANDBOX=true", async () => {
    const gw = await production({ SANDBOX: "true" });
    expect(await landingPage(gw)).toBe(true);
  });

  it("answers CORS only for the origins listed in CORS_ORIGINS", async () => {
    const gw = await production({ CORS_ORIGINS: "https://app.example,https://admin.example" });
    expect(await preflight(gw, "https://app.example")).toBe("https://app.example");
    expect(await preflight(gw, "https://admin.example")).toBe("https://admin.example");
    expect(await preflight(gw, "https://evil.example")).toBeNull();
  });
});
