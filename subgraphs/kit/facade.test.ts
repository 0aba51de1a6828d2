import { describe, expect, it } from "vitest";
import { withOverrides } from "./facade.ts";

class Counter {
  #count = 0;
  label = "counter";
  add(n: number): this {
    this.#count += n;
    return this;
  }
  total(): number {
    return this.#count;
  }
}

describe("withOverrides", () => {
  it("answers the overridden members and leaves the object itself as it was", () => {
    const counter = new Counter();
    const view = withOverrides(counter, { total: () => -1 });
    expect(view.total()).toBe(-1);
    expect(counter.total()).toBe(0);
    expect(Object.hasOwn(counter, "total")).toBe(false);
  });

  it("runs every other method on the object itself, private state included", () => {
    const counter = new Counter();
    const view = withOverrides(counter, { label: "seen" });
    view.add(2);
    expect(counter.total()).toBe(2);
    expect(view.label).toBe("seen");
    expect(counter.label).toBe("counter");
  });

  it("keeps chained calls on the view", () => {
    let seen = 0;
    const counter = new Counter();
    const view = withOverrides(counter, {
      total() {
        seen++;
        return counter.total();
      },
    });
    expect(view.add(1).add(2).total()).toBe(3);
    expect(seen).toBe(1);
  });
});
