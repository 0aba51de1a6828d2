import { describe, expect, it } from "vitest";
import { copyJson } from "./copy-json.ts";

const BODY = JSON.stringify({
  data: {
    myOrders: [
      { id: "o1", total: 12.5, paid: true, note: null, items: [{ quantity: 2, product: { id: "p1" } }] },
      { id: "o2", total: 0, paid: false, note: "gift", items: [] },
    ],
    "1": "integer-like keys first, as JSON.parse orders them",
  },
  errors: [{ message: "partial", path: ["myOrders", 1], extensions: { code: "X" } }],
});

describe("copyJson", () => {
  it("returns what parsing the same text again returns, keys in the same order", () => {
    const parsed = JSON.parse(BODY);
    const copy = copyJson(parsed);
    expect(copy).toStrictEqual(JSON.parse(BODY));
    expect(JSON.stringify(copy)).toBe(BODY);
  });

  it("shares no object or array with the original, so changing one leaves the other as parsed", () => {
    const parsed = JSON.parse(BODY);
    const copy = copyJson(parsed);
    copy.data.myOrders[0].items[0].product.name = "merged later";
    copy.data.myOrders.push({ id: "o3" });
    copy.errors[0].path.push("x");
    expect(parsed).toStrictEqual(JSON.parse(BODY));
    expect(copy.data.myOrders[0]).not.toBe(parsed.data.myOrders[0]);
  });

  it("keeps a __proto__ key as an own property, as JSON.parse does, without touching the prototype", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = copyJson(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":1}');
    const own = (value: object) => Object.getOwnPropertyDescriptor(value, "__proto__")?.value;
    expect(own(copy)).toEqual({ polluted: true });
    expect(own(copy)).not.toBe(own(parsed));
  });

  it("returns primitives as they are", () => {
    expect(copyJson("text")).toBe("text");
    expect(copyJson(3)).toBe(3);
    expect(copyJson(null)).toBe(null);
    expect(copyJson(false)).toBe(false);
  });
});
