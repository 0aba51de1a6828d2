// The developer's first step, offline: GET /graphql in a browser that can reach nothing but the gateway falls
// back from Apollo Sandbox (CDN) to the local GraphiQL, which loads, runs its pre-filled query and a subscription.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { hasChromium, launchChromium } from "../support/chromium.ts";
import { expectData } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

// The committed picture in docs/ is refreshed on request only, so a test run never edits the work tree.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL("../../docs/explorer-offline.png", import.meta.url))
  : join(tmpdir(), `tributary-explorer-${process.pid}.png`);
const admin = tokenFor(["ADMIN"]);

describe.skipIf(!hasChromium)("the explorer, offline", () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({ subgraphs: ["catalog", "inventory"] }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** An editor's visible text; Monaco renders spaces as no-break spaces. */
  async function textOf(tab: Page, selector: string): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the developer sees.
    return (await tab.locator(selector).innerText()).replace(/\u00a0/g, " ");
  }

  /** A tab that can reach only the gateway: every other host is aborted, as on a laptop without network. */
  async function offlineTab(): Promise<{ tab: Page; outside: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tab = await context.newPage();
    const outside: string[] = [];
    const errors: string[] = [];
    tab.on("pageerror", (error) => errors.push(error.message));
    await tab.route("**/*", (route) => {
      const { hostname, protocol } = new URL(route.request().url());
      if (
        protocol === "blob:" ||
        protocol === "data:" ||
        hostname === "127.0.0.1" ||
        hostname === "localhost"
      )
        return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    return { tab, outside, errors };
  }

  it("falls back from Sandbox to GraphiQL at /graphiql, runs the pre-filled query and shows the result", async () => {
    const { createProduct } = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }",
      { input: { name: "Offline Espresso", category: "coffee", priceCents: 1500 } },
      admin.token,
    );
    const { tab, outside, errors } = await offlineTab();
    await tab.goto(stack.url);
    await tab.waitForURL(/\/graphiql$/, { timeout: 15_000 });
    // Sandbox's page did try the CDN: that is what the fallback answered.
    expect(outside.some((url) => url.includes("apollographql.com"))).toBe(true);

    const run = tab.locator(".graphiql-execute-button");
    await run.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => textOf(tab, ".graphiql-query-editor"), { timeout: 15_000 })
      .toContain("query Products");
    // The headers editor is open, for the token the login tab returns.
    await expect.poll(() => tab.getByText("Headers", { exact: true }).first().isVisible()).toBe(true);
    await run.click();
    await expect
      .poll(() => textOf(tab, ".graphiql-response"), { timeout: 20_000 })
      .toContain(createProduct.id);
    expect(await textOf(tab, ".graphiql-response")).toContain("Offline Espresso");
    await tab.screenshot({ path: SCREENSHOT });
    expect(errors).toEqual([]);
    await tab.context().close();
  });

  /** A product, made by the admin, whose stock the tests change. */
  async function newProduct(name: string): Promise<string> {
    const { createProduct } = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }",
      { input: { name, category: "coffee", priceCents: 1100 } },
      admin.token,
    );
    return createProduct.id;
  }

  /** The explorer on its pre-filled Stock tab, with the WebSocket messages the page sends and receives. */
  async function stockTab() {
    const { tab, errors } = await offlineTab();
    const sent: Array<{ type: string; payload?: Record<string, unknown> }> = [];
    const received: string[] = [];
    tab.on("websocket", (socket) => {
      socket.on("framesent", ({ payload }) => sent.push(JSON.parse(String(payload))));
      socket.on("framereceived", ({ payload }) => received.push(String(payload)));
    });
    await tab.goto(new URL("/graphiql", stack.url).href);
    await tab.locator(".graphiql-execute-button").waitFor({ timeout: 30_000 });
    await tab.locator(".graphiql-tab-button", { hasText: "Stock" }).click();
    await expect.poll(() => textOf(tab, ".graphiql-query-editor")).toContain("subscription Stock");
    return { tab, errors, sent, received };
  }

  /** Changes the product's stock until the explorer's response pane shows its event. */
  async function untilEventShown(tab: Page, id: string, name: string): Promise<void> {
    let quantity = 30;
    await eventually(async () => {
      await expectData(
        stack.url,
        "mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }",
        { id, q: ++quantity },
        admin.token,
      );
      await new Promise((r) => setTimeout(r, 300));
      return (await textOf(tab, ".graphiql-response")).includes(name);
    }, 45_000);
  }

  it("runs the pre-filled subscription tab over graphql-ws at once after switching to it", async () => {
    const id = await newProduct("Live Lungo");
    const { tab, errors, sent, received } = await stockTab();
    // GraphiQL still holds the Products tab's operation name for a moment after the switch; the explorer's
    // fetcher reads the operation from the query text instead (fetcher-script.ts), so running at once works.
    await tab.locator(".graphiql-execute-button").click();
    await untilEventShown(tab, id, "Live Lungo");
    const subscribe = sent.find((message) => message.type === "subscribe");
    expect(subscribe?.payload?.operationName).toBe("Stock");
    expect(received.some((frame) => frame.includes("Live Lungo"))).toBe(true);
    expect(errors).toEqual([]);
    await tab.context().close();
  });

  it("gives a subscription the headers editor's token as its connection's parameters", async () => {
    const id = await newProduct("Token Ristretto");
    const { tab, errors, sent } = await stockTab();
    const authorization = `Bearer ${admin.token}`;
    await tab.locator('.monaco-editor[data-uri$="-headers.json"]').click();
    await tab.keyboard.press("ControlOrMeta+A");
    await tab.keyboard.insertText(JSON.stringify({ authorization }));
    await tab.locator(".graphiql-execute-button").click();
    // The gateway fails every operation on a connection whose token it refuses, so the event showing means the
    // token reached it and was taken.
    await untilEventShown(tab, id, "Token Ristretto");
    const init = sent.filter((message) => message.type === "connection_init");
    expect(init.map((message) => message.payload)).toEqual([{ authorization }]);
    expect(errors).toEqual([]);
    await tab.context().close();
  });

  it("keeps Apollo Sandbox at /sandbox, without falling back", async () => {
    const { tab } = await offlineTab();
    await tab.goto(new URL("/sandbox", stack.url).href);
    expect(new URL(tab.url()).search).toBe("?sandbox");
    await tab.waitForTimeout(1_000);
    expect(new URL(tab.url()).pathname).toBe("/graphql");
    expect(await tab.locator("#embeddableSandbox").count()).toBe(1);
    await tab.context().close();
  });
});
