import { describe, expect, it } from "vitest";
import { type MessageSocket, nextMessage, sendingDirectly } from "./direct-send.ts";
import { SubscriberStream } from "./stream.ts";

/** A socket that records what is written and completes each write only when told to. */
function slowSocket() {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const socket: MessageSocket & { readyState: number } = {
    OPEN: 1,
    readyState: 1,
    send(data, done) {
      written.push(data);
      pending.push(() => done());
    },
  };
  const flush = () => {
    for (const done of pending.splice(0)) done();
  };
  return { socket, written, flush };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("direct sending of subscription results", () => {
  it("builds the graphql-transport-ws next message for the operation id", () => {
    const result = { data: { stockChanged: { id: "p1", name: 'Kenya "AA"' } }, extensions: { cursor: "c" } };
    const message = nextMessage('op "1"', result);
    expect(JSON.parse(message)).toEqual({ id: 'op "1"', type: "next", payload: result });
  });

  it("serializes a result shared by a group once, whatever the subscriber", () => {
    const shared = { data: { n: 1 } };
    const first = nextMessage("a", shared);
    // Changing the object afterwards shows the second message reused the first one's JSON.
    shared.data.n = 2;
    expect(nextMessage("b", shared)).toBe(first.replace('"id":"a"', '"id":"b"'));
    expect(nextMessage("c", { data: { n: 2 } })).toContain('"payload":{"data":{"n":2}}');
  });

  it("writes deliveries in order, one at a time, and yields nothing itself", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    const { socket, written, flush } = slowSocket();
    const direct = sendingDirectly(stream, socket, "7");
    const done = direct.next();
    stream.push(Promise.resolve({ data: { n: 1 } }));
    stream.push(Promise.resolve({ data: { n: 2 } }));
    await tick();
    // The second waits until the socket has taken the first: a slow client backs up in the bounded queue.
    expect(written.map((m) => JSON.parse(m).payload.data.n)).toEqual([1]);
    flush();
    await tick();
    expect(written.map((m) => JSON.parse(m).payload.data.n)).toEqual([1, 2]);
    flush();
    stream.end();
    expect(await done).toEqual({ value: undefined, done: true });
  });

  it("ends a pending next at once when graphql-ws returns it, and unregisters the subscriber", async () => {
    let closed = 0;
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => closed++ });
    const direct = sendingDirectly(stream, slowSocket().socket, "1");
    const pending = direct.next();
    await direct.return(undefined);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });

  it("sends nothing on a socket that is closing", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    const { socket, written } = slowSocket();
    socket.readyState = 2;
    const done = sendingDirectly(stream, socket, "1").next();
    stream.push(Promise.resolve({ data: { n: 1 } }));
    stream.end();
    await done;
    expect(written).toEqual([]);
  });
});
