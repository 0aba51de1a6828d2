import { describe, expect, it } from "vitest";
import { catalogSdl, INVENTORY_SDL } from "../../../test/support/fixture-subgraphs.ts";
import { composeSupergraph } from "../../../test/support/supergraph.ts";
import { eventBindings } from "./bindings.ts";

const supergraph = composeSupergraph([
  { name: "catalog", url: "http://catalog/graphql", typeDefs: catalogSdl({ withDescription: false }) },
  { name: "inventory", url: "http://inventory/graphql", typeDefs: INVENTORY_SDL },
]);

describe("eventBindings", () => {
  it("finds @event on Subscription fields of a supergraph composed with @composeDirective", () => {
    expect(supergraph).toContain('@link(url: "https://tributary.dev/event/v1.0", import: ["@event"])');
    const { bindings, problems } = eventBindings(supergraph);
    expect(problems).toEqual([]);
    expect(bindings.get("stockChanged")).toEqual({
      field: "stockChanged",
      topic: "inventory.stock.changed",
      entityField: "product",
      filters: [{ argument: "productId", field: "productId" }],
      owner: undefined,
      adminSeesAll: false,
    });
    expect(bindings.get("orderStatusChanged")).toMatchObject({ owner: "customerId", adminSeesAll: true });
    expect(bindings.get("notificationReceived")).toMatchObject({ owner: "userId", filters: [] });
  });

  it("reads the committed supergraph's six subscriptions", async () => {
    const { readFile } = await import("node:fs/promises");
    const sdl = await readFile(new URL("../../../schemas/supergraph.graphql", import.meta.url), "utf8");
    const { bindings, problems } = eventBindings(sdl);
    expect(problems).toEqual([]);
    expect([...bindings.keys()].sort()).toEqual(
      [
        "articlePublished",
        "notificationReceived",
        "orderStatusChanged",
        "postPublished",
        "stockChanged",
      ].sort(),
    );
  });

  it("follows a renamed import of @event", () => {
    const renamed = supergraph
      .replace('import: ["@event"]', 'import: [{ name: "@event", as: "@kafka" }]')
      .replaceAll("@event(topic", "@kafka(topic");
    expect(eventBindings(renamed).bindings.size).toBe(3);
  });

  it("reports bindings it cannot use and leaves those fields unbound", () => {
    const broken = supergraph
      .replace('entityField: "order"', 'entityField: "nope"')
      .replace('filter: ["productId=productId"]', 'filter: ["sku=productId"]');
    const { bindings, problems } = eventBindings(broken);
    expect(bindings.has("orderStatusChanged")).toBe(false);
    expect(bindings.has("stockChanged")).toBe(false);
    expect(problems).toHaveLength(2);
    expect(problems.join("\n")).toMatch(/"nope" is not a Query field taking id/);
    expect(problems.join("\n")).toMatch(/sku not on the field/);
  });
});
