import { describe, expect, it } from "vitest";
import { ByteLru, entryBytes } from "./lru.ts";

const entry = (value: string, tags: string[] = [], expiresAt = Number.MAX_SAFE_INTEGER) => ({
  value,
  tags,
  expiresAt,
  fetchedAt: 0,
});

describe("the byte-bounded LRU", () => {
  it("never holds more bytes than its bound, evicting the least recently used first", () => {
    const one = entryBytes("a", "x".repeat(100), []);
    const evicted: string[] = [];
    const lru = new ByteLru({ maxBytes: one * 3, onEvict: (key) => evicted.push(key) });
    for (const key of ["a", "b", "c"]) lru.set(key, entry("x".repeat(100)));
    expect(lru.get("a")?.value).toHaveLength(100); // a is now the most recent
    lru.set("d", entry("x".repeat(100)));
    expect(evicted).toEqual(["b"]);
    expect(lru.size).toBe(3);
    expect(lru.bytes).toBeLessThanOrEqual(one * 3);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBeDefined();
  });

  it("counts the answer's size: one large entry pushes out several small ones", () => {
    const small = entryBytes("k0", "s", []);
    const lru = new ByteLru({ maxBytes: small * 10 });
    for (let i = 0; i < 10; i++) lru.set(`k${i}`, entry("s"));
    expect(lru.size).toBe(10);
    lru.set("big", entry("x".repeat(small * 5)));
    expect(lru.bytes).toBeLessThanOrEqual(small * 10);
    expect(lru.get("big")).toBeDefined();
    expect(lru.size).toBeLessThan(10);
  });

  it("refuses an entry larger than the whole bound rather than emptying itself for it", () => {
    const lru = new ByteLru({ maxBytes: 1_000 });
    lru.set("small", entry("s"));
    expect(lru.set("huge", entry("x".repeat(2_000)))).toBe(false);
    expect(lru.get("small")).toBeDefined();
  });

  it("drops every entry of a tag, and only those", () => {
    const lru = new ByteLru({ maxBytes: 1_000_000 });
    lru.set("p1-public", entry("1", ["Product:1"]));
    lru.set("p1-admin", entry("1", ["Product:1"]));
    lru.set("p2", entry("2", ["Product:2"]));
    expect(lru.dropTag("Product:1")).toBe(2);
    expect(lru.get("p1-public")).toBeUndefined();
    expect(lru.get("p1-admin")).toBeUndefined();
    expect(lru.get("p2")).toBeDefined();
    expect(lru.dropTag("Product:1")).toBe(0);
  });

  it("does not answer with an expired entry, and frees its bytes", () => {
    const lru = new ByteLru({ maxBytes: 1_000_000 });
    lru.set("old", entry("v", ["Product:1"], 1_000));
    expect(lru.get("old", 999)).toBeDefined();
    expect(lru.get("old", 1_000)).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });

  it("replacing a key frees the old entry's bytes", () => {
    const lru = new ByteLru({ maxBytes: 1_000_000 });
    lru.set("k", entry("x".repeat(500)));
    lru.set("k", entry("y"));
    expect(lru.bytes).toBe(entryBytes("k", "y", []));
    expect(lru.size).toBe(1);
  });
});
