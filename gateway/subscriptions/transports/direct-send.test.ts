import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { type DeliverySink, SubscriberStream } from "../fan-out/stream.ts";
import { frameSink, nextMessage, sendingDirectly } from "./direct-send.ts";

/** A transport whose buffer is full until `drain()`: what a client that stopped reading looks like. */
function recordingSink() {
  const written: number[] = [];
  let resume: (() => void) | undefined;
  const sink: DeliverySink & { full: boolean } = {
    full: false,
    write: (result) => void written.push((result.data as { n: number }).n),
    onDrain: (callback) => {
      resume = callback;
    },
  };
  const drain = () => {
    sink.full = false;
    resume?.();
  };
  return { sink, written, drain };
}

const failOnError = (error: unknown) => {
  throw error;
};
const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

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

  it("writes deliveries in push order as they settle, and yields nothing itself", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    const { sink, written } = recordingSink();
    const done = sendingDirectly(stream, sink).next();
    stream.push(later({ data: { n: 1 } }, 20));
    stream.push(Promise.resolve({ data: { n: 2 } }));
    await later(null, 5);
    // 2 has settled but waits for 1: order is Kafka's, not resolution's.
    expect(written).toEqual([]);
    await later(null, 30);
    expect(written).toEqual([1, 2]);
    stream.end();
    expect(await done).toEqual({ value: undefined, done: true });
  });

  it("keeps results in the bounded queue while the socket is full, and cuts the subscriber off past it", async () => {
    let overflowed = 0;
    const stream = new SubscriberStream({ maxQueue: 3, onClose: () => {}, onOverflow: () => overflowed++ });
    const { sink, written, drain } = recordingSink();
    void sendingDirectly(stream, sink).next();
    stream.push(Promise.resolve({ data: { n: 1 } }));
    await later(null, 1);
    sink.full = true;
    for (const n of [2, 3]) stream.push(Promise.resolve({ data: { n } }));
    await later(null, 1);
    expect(written).toEqual([1]);
    drain();
    expect(written).toEqual([1, 2, 3]);
    sink.full = true;
    for (const n of [4, 5, 6, 7]) stream.push(Promise.resolve({ data: { n } }));
    expect(overflowed).toBe(1);
    expect(stream.isClosed).toBe(true);
  });

  it("ends a pending next at once when graphql-ws returns it, and unregisters the subscriber", async () => {
    let closed = 0;
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => closed++ });
    const direct = sendingDirectly(stream, recordingSink().sink);
    const pending = direct.next();
    await direct.return(undefined);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });

  it("ends the stream, unregistering it, once its transport is closing", async () => {
    let closed = 0;
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => closed++ });
    const { sink, written } = recordingSink();
    const transport = Object.assign(sink, { closed: false });
    const done = sendingDirectly(stream, transport).next();
    stream.push(Promise.resolve({ data: { n: 1 } }));
    await later(null, 1);
    // Another subscription on the same connection was cut off: the connection is closing.
    transport.closed = true;
    stream.push(Promise.resolve({ data: { n: 2 } }));
    expect(await done).toEqual({ value: undefined, done: true });
    expect(written).toEqual([1]);
    expect(closed).toBe(1);
    expect(stream.isClosed).toBe(true);
  });

  it("sends the final result of an ended stream after what was queued", async () => {
    const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
    const { sink, written } = recordingSink();
    const done = sendingDirectly(stream, sink).next();
    stream.push(Promise.resolve({ data: { n: 1 } }));
    stream.end({ data: { n: 99 } });
    await done;
    expect(written).toEqual([1, 99]);
  });
});

describe("next messages sent through ws", () => {
  let server: WebSocketServer;
  let url: string;
  const accepted: { ws: WebSocket; connection: Socket }[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    // The TCP socket the upgrade request came on is the one the WebSocket runs over.
    server.on("connection", (ws, request) => accepted.push({ ws, connection: request.socket as Socket }));
    await new Promise((resolve) => server.once("listening", resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  async function connect() {
    const client = new WebSocket(url);
    const received: string[] = [];
    client.on("message", (data, isBinary) => received.push(isBinary ? "(binary)" : data.toString()));
    await new Promise((resolve) => client.once("open", resolve));
    while (accepted.length === 0) await later(null, 5);
    const { ws, connection } = accepted.shift()!;
    return { client, serverSide: ws, connection, received };
  }

  it("arrive at a standard client as the exact text graphql-ws would send, at every frame length", async () => {
    const { client, serverSide, connection, received } = await connect();
    const sink = frameSink(serverSide, connection, "op-1", failOnError);
    // Payload lengths around the 7-bit, 16-bit and 64-bit length encodings; non-ASCII counts in bytes.
    const results = [10, 80, 200, 70_000].map((size) => ({ data: { text: "é".repeat(size) } }));
    for (const result of results) sink.write(result);
    serverSide.send("after"); // ws' own frames still follow in order
    while (received.length < results.length + 1) await later(null, 5);
    expect(received).toEqual([...results.map((result) => nextMessage("op-1", result)), "after"]);
    expect(JSON.parse(received[3]!).payload.data.text).toHaveLength(70_000);
    client.close();
  });

  it("share one message between subscribers with the same id, and never write after close", async () => {
    const first = await connect();
    const second = await connect();
    const shared = { data: { n: 1 } };
    frameSink(first.serverSide, first.connection, "1", failOnError).write(shared);
    frameSink(second.serverSide, second.connection, "1", failOnError).write(shared);
    while (first.received.length + second.received.length < 2) await later(null, 5);
    expect(first.received).toEqual(second.received);
    first.serverSide.close(1000);
    frameSink(first.serverSide, first.connection, "1", failOnError).write({ data: { n: 2 } });
    await new Promise((resolve) => first.client.once("close", resolve));
    expect(first.received).toHaveLength(1);
    second.client.close();
  });

  it("leave in one write per socket when several results are written in one turn of the event loop", async () => {
    const { client, serverSide, connection, received } = await connect();
    // Node's Writable hooks: each call is one write (or writev) to the kernel.
    const socket = connection as Socket & {
      _write(...args: unknown[]): void;
      _writev(chunks: unknown[], callback: () => void): void;
    };
    const writes: number[] = [];
    const [write, writev] = [socket._write, socket._writev];
    socket._write = function (...args) {
      writes.push(1);
      return write.apply(this, args);
    };
    socket._writev = function (chunks, callback) {
      writes.push(-chunks.length);
      return writev.call(this, chunks, callback);
    };
    const sink = frameSink(serverSide, connection, "1", failOnError);
    for (const n of [1, 2, 3]) sink.write({ data: { n } });
    expect(writes).toEqual([]);
    while (received.length < 3) await later(null, 5);
    // One writev of each frame's header and message (ws frames without copying the message).
    expect(writes).toEqual([-6]);
    expect(received.map((message) => JSON.parse(message).payload.data.n)).toEqual([1, 2, 3]);
    // A lone result in a later turn is one write of its header and message.
    sink.write({ data: { n: 4 } });
    while (received.length < 4) await later(null, 5);
    expect(writes).toEqual([-6, -2]);
    client.close();
  });

  it("hold back a subscriber only when a corked turn gathers more than 256 KB, not at the 16 KB mark", async () => {
    const { client, serverSide, connection, received } = await connect();
    const sink = frameSink(serverSide, connection, "1", failOnError);
    const big = { data: { text: "x".repeat(8 * 1024) } };
    // 24 frames of 8 KB in one turn: far past the socket's 16 KB high-water mark, under the corked limit.
    for (let n = 0; n < 24; n++) {
      expect(sink.full).toBe(false);
      sink.write(big);
    }
    for (let n = 0; n < 16; n++) sink.write(big);
    expect(sink.full).toBe(true);
    while (received.length < 40) await later(null, 5);
    expect(sink.full).toBe(false);
    client.close();
  });

  it("wait for a full socket with one drain listener however many subscriptions share it, and resume them all", async () => {
    const { client, serverSide, connection: socket, received } = await connect();
    client.pause(); // a client that stopped reading: the socket fills and stays full
    const sinks = Array.from({ length: 20 }, (_, n) => frameSink(serverSide, socket, String(n), failOnError));
    const big = { data: { text: "x".repeat(64 * 1024) } };
    while (!sinks[0]!.full) {
      sinks[0]!.write(big);
      await later(null, 1);
    }
    let resumed = 0;
    for (const sink of sinks) sink.onDrain(() => resumed++);
    expect(socket.listenerCount("drain")).toBe(1);
    client.resume();
    while (resumed < sinks.length) await later(null, 5);
    expect(resumed).toBe(20);
    expect(socket.listenerCount("drain")).toBe(0);
    expect(received.length).toBeGreaterThan(0);
    client.close();
  });

  it("close only the connection whose result cannot be sent (1011), logging why", async () => {
    const { client, serverSide, connection } = await connect();
    const errors: unknown[] = [];
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    frameSink(serverSide, connection, "1", (error) => errors.push(error)).write({ data: circular });
    const [code] = await new Promise<[number]>((resolve) => client.once("close", (c) => resolve([c])));
    expect(code).toBe(1011);
    expect(String(errors[0])).toContain("circular");
  });
});
