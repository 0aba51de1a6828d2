import { describe, expect, it } from "vitest";
import { InFlight } from "./in-flight.ts";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("InFlight", () => {
  it("runs identical concurrent work once and gives every caller its result", async () => {
    const inFlight = new InFlight<string>();
    const pending = deferred<string>();
    let started = 0;
    const start = () => {
      started++;
      return pending.promise;
    };
    const callers = [
      inFlight.join("k", start).result,
      inFlight.join("k", start).result,
      inFlight.join("k", start).result,
    ];
    pending.resolve("answer");
    expect(await Promise.all(callers)).toEqual(["answer", "answer", "answer"]);
    expect(started).toBe(1);
  });

  it("keeps different keys apart", async () => {
    const inFlight = new InFlight<string>();
    const answers = await Promise.all([
      inFlight.join("a", async () => "for a").result,
      inFlight.join("b", async () => "for b").result,
    ]);
    expect(answers).toEqual(["for a", "for b"]);
  });

  it("forgets settled work, so a later call runs again (it is not a cache)", async () => {
    const inFlight = new InFlight<number>();
    let runs = 0;
    await inFlight.join("k", async () => ++runs).result;
    expect(inFlight.size).toBe(0);
    expect(await inFlight.join("k", async () => ++runs).result).toBe(2);
  });

  it("shares a failure with the callers waiting on it, then forgets it", async () => {
    const inFlight = new InFlight<string>();
    const pending = deferred<string>();
    const first = inFlight.join("k", () => pending.promise).result;
    const second = inFlight.join("k", async () => "never started").result;
    pending.reject(new Error("subgraph down"));
    await expect(first).rejects.toThrow("subgraph down");
    await expect(second).rejects.toThrow("subgraph down");
    expect(await inFlight.join("k", async () => "recovered").result).toBe("recovered");
  });
});

describe("InFlight.join", () => {
  it("counts the callers waiting on the same work, and starts counting anew once it settled", async () => {
    const inFlight = new InFlight<string>();
    const pending = deferred<string>();
    const first = inFlight.join("k", () => pending.promise);
    const second = inFlight.join("k", async () => "never started");
    const other = inFlight.join("other", async () => "alone");
    expect(second).toBe(first);
    pending.resolve("answer");
    expect(await first.result).toBe("answer");
    expect(first.callers).toBe(2);
    expect(other.callers).toBe(1);
    expect(inFlight.join("k", async () => "again").callers).toBe(1);
  });
});
