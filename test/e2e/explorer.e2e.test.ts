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

  it("runs the pre-filled subscription tab over graphql-ws with the headers editor's token and shows a live event", async () => {
    const { createProduct } = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }",
      { input: { name: "Live Lungo", category: "coffee", priceCents: 1100 } },
      admin.token,
    );
    const id = createProduct.id;
    const { tab, errors } = await offlineTab();
    const connectionParams: unknown[] = [];
    const received: string[] = [];
    tab.on("websocket", (socket) => {
      socket.on("framesent", ({ payload }) => {
        const message = JSON.parse(String(payload));
        if (message.type === "connection_init") connectionParams.push(message.payload);
      });
      socket.on("framereceived", ({ payload }) => received.push(String(payload)));
    });
    await tab.goto(new URL("/graphiql", stack.url).href);
    await tab.locator(".graphiql-execute-button").waitFor({ timeout: 30_000 });
    await tab.locator(".graphiql-tab", { hasText: "Stock" }).click();
    await expect.poll(() => textOf(tab, ".graphiql-query-editor")).toContain("subscription Stock");
    const authorization = `Bearer ${admin.token}`;
    await tab.locator('.monaco-editor[data-uri$="-headers.json"]').click();
    await tab.keyboard.press("ControlOrMeta+A");
    await tab.keyboard.insertText(JSON.stringify({ authorization }));
    // GraphiQL reads a tab's operation name from its editor after a short debounce: a run clicked inside it
    // sends the previous tab's name ("Cannot infer operation Products"), as a user that quick would see too.
    await eventually(async () => {
      await tab.locator(".graphiql-execute-button").click();
      await tab.waitForTimeout(250);
      return !(await textOf(tab, ".graphiql-response")).includes("Cannot infer operation");
    });

    let quantity = 30;
    await eventually(async () => {
      await expectData(
        stack.url,
        "mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }",
        { id, q: ++quantity },
        admin.token,
      );
      await new Promise((r) => setTimeout(r, 300));
      return (await textOf(tab, ".graphiql-response")).includes("Live Lungo");
    }, 45_000);
    // The event came over the WebSocket, which carried the headers editor's token as its connection parameters.
    expect(received.some((frame) => frame.includes("Live Lungo"))).toBe(true);
    expect(connectionParams).toEqual([{ authorization }]);
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
