import { describe, expect, it } from "vitest";
import { entityTag, entryKey, visibilityKey } from "./keys.ts";

const customer = (id: string) => ({ id, roles: ["CUSTOMER" as const] });
const admin = { id: "admin-1", roles: ["ADMIN" as const, "CUSTOMER" as const] };

describe("cache keys", () => {
  it("share PUBLIC entries among callers with the same roles, whoever they are", () => {
    expect(visibilityKey("PUBLIC", customer("a"))).toBe(visibilityKey("PUBLIC", customer("b")));
  });

  it("keep PUBLIC entries of admins apart from customers' and anonymous callers'", () => {
    const keys = new Set([
      visibilityKey("PUBLIC", admin),
      visibilityKey("PUBLIC", customer("a")),
      visibilityKey("PUBLIC", null),
    ]);
    expect(keys.size).toBe(3);
  });

  it("never share PRIVATE entries between two users, even with the same roles", () => {
    expect(visibilityKey("PRIVATE", customer("a"))).not.toBe(visibilityKey("PRIVATE", customer("b")));
    expect(visibilityKey("PRIVATE", customer("a"))).not.toBe(visibilityKey("PRIVATE", null));
  });

  it("give an OWNER entry's owner a class of their own, shared by nobody; everyone else shares by roles", () => {
    const self = visibilityKey("OWNER", customer("a"), "a");
    expect(visibilityKey("OWNER", customer("b"), "a")).toBe(visibilityKey("OWNER", customer("c"), "a"));
    expect(visibilityKey("OWNER", customer("b"), "a")).not.toBe(self);
    expect(visibilityKey("OWNER", null, "a")).not.toBe(self);
    expect(visibilityKey("OWNER", admin, "a")).not.toBe(visibilityKey("OWNER", customer("b"), "a"));
    // The subgraphs compare ids without case: so does the key, or the owner could be served another's answer.
    expect(visibilityKey("OWNER", customer("a"), "A")).toBe(self);
  });

  it("read roles in any order as the same class", () => {
    const reordered = { id: "admin-1", roles: ["CUSTOMER" as const, "ADMIN" as const] };
    expect(visibilityKey("PUBLIC", reordered)).toBe(visibilityKey("PUBLIC", admin));
  });

  it("differ by subgraph, visibility, query, variables and representation", () => {
    const base = {
      subgraph: "catalog",
      visibility: "anonymous",
      query:
        "query($representations:[_Any!]!){_entities(representations:$representations){...on Product{name}}}",
      variables: "{}",
      representation: '{"__typename":"Product","id":"1"}',
    };
    const variants = [
      base,
      { ...base, subgraph: "inventory" },
      { ...base, visibility: "roles:ADMIN" },
      { ...base, query: base.query.replace("name", "priceCents") },
      { ...base, variables: '{"first":3}' },
      { ...base, representation: '{"__typename":"Product","id":"2"}' },
      { ...base, representation: undefined },
    ];
    expect(new Set(variants.map(entryKey)).size).toBe(variants.length);
  });

  it("tag an entity by its type and id", () => {
    expect(entityTag("Product", "42")).toBe("Product:42");
  });
});
