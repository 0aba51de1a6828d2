import { describe, expect, it } from "vitest";
import { withPlainValues } from "./plain-exports.ts";

describe("withPlainValues", () => {
  it("turns re-export getters into the values they return, keeping every other property as it was", () => {
    const source = { helper: () => "helped", version: 2 };
    const exports = Object.defineProperty({}, "__esModule", { value: true });
    for (const key of Object.keys(source)) {
      Object.defineProperty(exports, key, {
        enumerable: true,
        get: () => source[key as keyof typeof source],
      });
    }
    Object.defineProperty(exports, "own", { value: "data", enumerable: true });
    const plain = withPlainValues(exports) as Record<string, unknown>;
    expect(plain.helper).toBe(source.helper);
    expect(plain.version).toBe(2);
    expect(plain.own).toBe("data");
    expect(plain.__esModule).toBe(true);
    expect(Object.keys(plain)).toEqual(Object.keys(exports));
    expect(Object.values(Object.getOwnPropertyDescriptors(plain)).some((d) => d.get)).toBe(false);
  });
});
