// Headless Chromium against the gateway: the Sandbox landing page loads, and a plain page subscribes
// over graphql-ws from the browser and shows a live event triggered by a mutation.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { hasChromium, launchChromium } from "../support/chromium.ts";
import { expectData } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const root = fileURLToPath(new URL("../..", import.meta.url));
/** URL prefix -> directory; nothing outside these is served. */
const mounts: [string, string][] = [
  ["/vendor/graphql-ws/", join(root, "node_modules/graphql-ws/dist")],
  ["/", join(root, "test/browser")],
];
const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript" };

/** The page and graphql-ws's browser build, from a separate origin than the gateway, as in real life. */
function servePage(): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    const file = mount && normalize(join(mount[1], path.slice(mount[0].length) || "index.html"));
    if (!mount || !file?.startsWith(mount[1])) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe.skipIf(!hasChromium)("a browser against the gateway", () => {
  let stack: Stack;
  let browser: Browser;
  let page: { server: Server; url: string };
  beforeAll(async () => {
    [stack, browser, page] = await Promise.all([
      startStack({ subgraphs: ["catalog", "inventory"] }),
      launchChromium(),
      servePage(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => page?.server.close(r));
    await stack?.stop();
  });

  it("loads the Sandbox landing page the gateway serves (its CDN script is blocked offline)", async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const local = new URL(stack.url).host;
    // Only what the gateway serves itself: the embed script comes from Apollo's CDN, unreachable here.
    await tab.route("**/*", (route) =>
      new URL(route.request().url()).host === local ? route.continue() : route.abort(),
    );
    // /sandbox's URL: /graphql itself would move on to the local explorer once the CDN fails.
    const response = await tab.goto(`${stack.url}?sandbox`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toMatch(/text\/html/);
    const html = await tab.content();
    expect(html).toMatch(/EmbeddedSandbox/);
    expect(html).toContain("embeddable-sandbox");
    expect(await tab.locator("#embeddableSandbox").count()).toBe(1);
    await context.close();
  });

  it("shows a live stockChanged event, triggered by a mutation, in a page subscribed over graphql-ws", async () => {
    const created = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { name: "Burundi Kayanza", category: "coffee", priceCents: 2100 } },
      admin.token,
    );
    const id = created.createProduct.id;
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (error) => errors.push(error.message));
    await tab.goto(`${page.url}/index.html?ws=${encodeURIComponent(stack.wsUrl)}&product=${id}`);
    await tab.locator("#status", { hasText: "connected" }).waitFor();

    // Page-side expressions are strings: this project compiles without the DOM library.
    let quantity = 40;
    await eventually(async () => {
      await expectData(
        stack.url,
        `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`,
        { id, q: ++quantity },
        admin.token,
      );
      await new Promise((r) => setTimeout(r, 250));
      return tab.evaluate<boolean>("window.stockEvents.length > 0");
    });
    const [first] = await tab.evaluate<unknown[]>("window.stockEvents");
    expect(first).toMatchObject({ id, name: "Burundi Kayanza", priceCents: 2100 });
    await expect
      .poll(() => tab.locator("#events li").first().textContent())
      .toMatch(/^Burundi Kayanza: \d+$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
