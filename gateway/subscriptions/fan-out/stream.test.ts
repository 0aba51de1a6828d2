import { describe, expect, it, vi } from "vitest";
import { SubscriberStream } from "./stream.ts";

const result = (n: number) => ({ data: { n } });
const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("SubscriberStream", () => {
  it("delivers in push order even when later results settle first", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    stream.push(later(result(1), 30));
    stream.push(Promise.resolve(result(2)));
    expect((await stream.next()).value).toEqual(result(1));
    expect((await stream.next()).value).toEqual(result(2));
  });

  it("skips events that resolved to nothing and survives failed resolutions", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    stream.push(Promise.resolve(null));
    stream.push(Promise.reject(new Error("boom")));
    stream.push(Promise.resolve(result(3)));
    expect((await stream.next()).value).toEqual(result(3));
  });

  it("waits for the next push", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    const next = stream.next();
    stream.push(Promise.resolve(result(4)));
    expect((await next).value).toEqual(result(4));
  });

  it("tells its owner once when it is returned, and then is done", async () => {
    const onClose = vi.fn();
    const stream = new SubscriberStream({ maxQueue: 10, onClose });
    const pending = stream.next();
    await stream.return();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
    stream.push(Promise.resolve(result(5)));
    expect((await stream.next()).done).toBe(true);
  });

  it("ends after what is queued, with a final error when given", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    stream.push(Promise.resolve(result(6)));
    stream.end({ errors: [{ message: "expired" }] });
    expect((await stream.next()).value).toEqual(result(6));
    expect((await stream.next()).value).toEqual({ errors: [{ message: "expired" }] });
    expect((await stream.next()).done).toBe(true);
  });

  it("cuts off a subscriber that falls too far behind", async () => {
    const stream = new SubscriberStream({ maxQueue: 2, onClose: () => {} });
    for (let n = 0; n < 5; n++) stream.push(Promise.resolve(result(n)));
    const values = [];
    for await (const value of stream) values.push(value);
    expect(values.slice(0, 2)).toEqual([result(0), result(1)]);
    expect(values[2]?.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(values).toHaveLength(3);
  });

  it("holds live events behind the replay until released", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {}, hold: true });
    stream.push(Promise.resolve(result(3)));
    stream.pushReplayed(Promise.resolve(result(1)));
    stream.pushReplayed(Promise.resolve(result(2)));
    stream.release();
    const values = [];
    for (let k = 0; k < 3; k++) values.push((await stream.next()).value);
    expect(values).toEqual([result(1), result(2), result(3)]);
  });

  it("counts held events against the bound and hands overflow to the transport", async () => {
    const onOverflow = vi.fn();
    const onClose = vi.fn();
    const stream = new SubscriberStream({ maxQueue: 2, onClose, onOverflow, hold: true });
    stream.push(Promise.resolve(result(1)));
    stream.pushReplayed(Promise.resolve(result(2)));
    stream.push(Promise.resolve(result(3)));
    expect(onOverflow).toHaveBeenCalledOnce();
    expect(onClose).toHaveBeenCalledOnce();
    expect(stream.isClosed).toBe(true);
    expect((await stream.next()).done).toBe(true);
  });
});
