// The explorer's URLs on a real gateway: the local GraphiQL and its files, the names people try, Sandbox with its
// fallback script, and none of it when developer tools are off (production).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSubgraph } from "../../test/support/fixture-server.ts";
import { catalogSdl, startCatalog } from "../../test/support/fixture-subgraphs.ts";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { composeSupergraph, writeSupergraph } from "../../test/support/supergraph.ts";
import { EXPLORER_ASSET_NAMES } from "./assets.ts";
import { withSandboxFallback } from "./sandbox-fallback.ts";

let catalog: RunningSubgraph;
let developer: TestGateway;
let production: TestGateway;

beforeAll(async () => {
  catalog = await startCatalog();
  const path = await writeSupergraph(
    composeSupergraph([
      {
        name: "catalog",
        url: "http://localhost:4002/graphql",
        typeDefs: catalogSdl({ withDescription: false }),
      },
    ]),
  );
  const env = { SUPERGRAPH_PATH: path, SUBGRAPH_URLS: `catalog=${catalog.url}` };
  [developer, production] = await Promise.all([
    startTestGateway(env),
    startTestGateway({ ...env, SANDBOX: "false" }),
  ]);
});

afterAll(async () => {
  await Promise.all([developer?.stop(), production?.stop()]);
  await catalog?.stop();
});

const at = (gateway: TestGateway, path: string) => new URL(path, gateway.url).href;

describe("the explorer's URLs", () => {
  it("serves GraphiQL at /graphiql, every file it loads from the gateway itself", async () => {
    const response = await fetch(at(developer, "/graphiql"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("renderYogaGraphiQL");
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(2);
    for (const source of sources) expect(source.startsWith("/graphiql/assets/")).toBe(true);
    for (const source of sources) expect((await fetch(at(developer, source))).status).toBe(200);
    for (const name of EXPLORER_ASSET_NAMES) {
      const asset = await fetch(at(developer, `/graphiql/assets/${name}`));
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(at(developer, "/graphiql/assets/../../package.json"))).status).toBe(404);
    expect((await fetch(at(developer, "/graphiql/assets/nothing.js"))).status).toBe(404);
  });

  it("leads /explorer and /playground to /graphiql, and /sandbox to Sandbox without the fallback", async () => {
    for (const path of ["/explorer", "/playground"]) {
      const response = await fetch(at(developer, path), { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/graphiql");
    }
    const sandbox = await fetch(at(developer, "/sandbox"), { redirect: "manual" });
    expect(sandbox.headers.get("location")).toBe("/graphql?sandbox");
  });

  it("puts the fallback script first in Sandbox's page, allowed by its CSP ('self')", async () => {
    const response = await fetch(developer.url, { headers: { accept: "text/html" } });
    const html = await response.text();
    expect(html).toContain("EmbeddedSandbox");
    const script = html.indexOf('<script src="/graphiql/assets/sandbox-fallback.js"></script>');
    expect(script).toBeGreaterThan(-1);
    expect(script).toBeLessThan(html.indexOf("embeddable-sandbox"));
    expect(html).toMatch(/script-src 'self'/);
    const fallback = await (await fetch(at(developer, "/graphiql/assets/sandbox-fallback.js"))).text();
    expect(fallback).toContain('location.replace(new URL("/graphiql"');
  });

  it("serves none of them in production (developer tools off)", async () => {
    for (const path of ["/graphiql", "/graphiql/assets/graphiql.js", "/explorer", "/sandbox"]) {
      expect((await fetch(at(production, path), { redirect: "manual" })).status).toBe(404);
    }
    const page = await fetch(production.url, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toContain("sandbox-fallback");
  });
});

describe("withSandboxFallback", () => {
  it("adds the script right after <head>, or first when a page has none", () => {
    expect(withSandboxFallback("<html><head><title>x</title></head></html>")).toMatch(
      /^<html><head>\n\s+<script src="\/graphiql\/assets\/sandbox-fallback.js"><\/script><title>/,
    );
    expect(withSandboxFallback("<div></div>")).toMatch(/^<script src=.*<\/script><div><\/div>$/);
  });
});
