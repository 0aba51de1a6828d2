// Fan-out without per-subscriber serialization or promises: a group's result is turned into JSON once, each
// subscriber's graphql-ws `next` message is that JSON with its own operation id spliced in, built once per id
// and handed to ws' `send` as ready-made bytes, from the stream's push mode (stream.ts).
import type { Socket } from "node:net";
import type { ExecutionResult, FormattedExecutionResult } from "graphql";
import type { WebSocket } from "ws";
import type { DeliverySink, SubscriberStream } from "../fan-out/stream.ts";

interface Encoded {
  /** The result's JSON, encoded once for the whole group. */
  payload: Buffer;
  /** The last message built, by operation id: subscribers that share an id (e.g. "1") share the bytes. */
  lastId?: string;
  lastMessage?: Buffer;
}

/** Every member of a group receives the same result object, so its JSON is computed by the first one only. */
const encoded = new WeakMap<FormattedExecutionResult, Encoded>();

function encode(result: FormattedExecutionResult): Encoded {
  let entry = encoded.get(result);
  if (entry === undefined) {
    entry = { payload: Buffer.from(JSON.stringify(result)) };
    encoded.set(result, entry);
  }
  return entry;
}

/** The start of a graphql-transport-ws `next` message for one operation id, up to its payload. */
const prefixText = (id: string) => `{"id":${JSON.stringify(id)},"type":"next","payload":`;

const SUFFIX = Buffer.from("}");

/** graphql-transport-ws `next`, byte for byte what graphql-ws would send for the same id and result. */
export function nextMessage(id: string, result: FormattedExecutionResult): string {
  return `${prefixText(id)}${encode(result).payload.toString()}}`;
}

/** The `next` message's UTF-8 bytes, built once per result and operation id. */
function messageFor(id: string, prefix: Buffer, result: FormattedExecutionResult): Buffer {
  const entry = encode(result);
  if (entry.lastId !== id || !entry.lastMessage) {
    entry.lastMessage = Buffer.concat([prefix, entry.payload, SUFFIX]);
    entry.lastId = id;
  }
  return entry.lastMessage;
}

/** Sent as text, never compressed (the server negotiates no extension; this keeps ws from checking). */
const AS_TEXT = { binary: false, compress: false } as const;

/** What one turn may gather in a corked socket before its subscribers queue instead (bounded memory). */
const CORKED_LIMIT = 256 * 1024;

/** Sockets corked in this turn of the event loop; `uncorkAll` sends what they gathered once the turn ends. */
let corked: Socket[] = [];

function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  for (const socket of sockets) socket.uncork();
}

/**
 * Holds a socket's writes until the current turn of the event loop ends. After a stall, several events settle
 * in one turn; each subscriber then gets all of them in one writev instead of one write syscall per event (the
 * syscall, with loopback's TCP receive path, is most of a delivery's cost). A lone event costs the same write.
 */
function corkForThisTurn(socket: Socket): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  if (corked.push(socket) === 1) setImmediate(uncorkAll);
}

/** Subscriptions waiting for a socket to drain: one `drain` listener per socket, however many share it. */
const drainWaiters = new WeakMap<Socket, Array<() => void>>();

function whenDrained(socket: Socket, resume: () => void): void {
  const waiting = drainWaiters.get(socket);
  if (waiting) {
    waiting.push(resume);
    return;
  }
  drainWaiters.set(socket, [resume]);
  socket.once("drain", () => {
    const resumes = drainWaiters.get(socket) ?? [];
    drainWaiters.delete(socket);
    for (const next of resumes) next();
  });
}

/**
 * A sink sending `next` messages through ws (`send`, which frames them). `connection` is the TCP socket the
 * WebSocket runs on, as the HTTP upgrade handed it over (`request.socket`): corked for the rest of the turn so
 * the turn's messages leave together, and watched for back-pressure.
 */
export function frameSink(
  ws: WebSocket,
  connection: Socket,
  id: string,
  onError: (error: unknown) => void,
): DeliverySink {
  const prefix = Buffer.from(prefixText(id));
  return {
    write(result) {
      // Closing: the close frame may already be out; nothing may follow it.
      if (ws.readyState !== ws.OPEN) return;
      try {
        const message = messageFor(id, prefix, result);
        corkForThisTurn(connection);
        ws.send(message, AS_TEXT);
      } catch (error) {
        // Writes run inside another group's fan-out: a result that cannot be sent closes this connection
        // (1011, internal error; the client resumes with its cursor) and never stops the other subscribers.
        onError(error);
        ws.close(1011, "internal error; resume with your last cursor");
      }
    },
    // Node's own back-pressure signal: the socket holds more than its high-water mark. The stream then
    // keeps results in its bounded queue, where falling too far behind closes the connection (4429). While
    // corked, what the socket holds is this turn's writes, not what the client failed to read: only a turn
    // gathering more than CORKED_LIMIT makes its subscribers wait.
    get full() {
      return connection.writableCorked === 0
        ? connection.writableNeedDrain
        : connection.writableLength >= CORKED_LIMIT;
    },
    onDrain(resume) {
      // A connection may carry hundreds of subscriptions; each waiting with a listener of its own would
      // pile listeners on the socket (and Node warns past ten).
      whenDrained(connection, resume);
    },
    get closed() {
      return ws.readyState !== ws.OPEN;
    },
  };
}

/**
 * What graphql-ws iterates for a subscription: the stream writes each delivery itself and this yields
 * nothing, so graphql-ws only sends `complete` (after every delivery) or an error. `next()` settles when the
 * stream is finished; graphql-ws' `return()` (client `complete`, socket closed) finishes it at once.
 */
export function sendingDirectly(
  stream: SubscriberStream,
  sink: DeliverySink,
): AsyncGenerator<ExecutionResult, void> {
  const finished = stream.pushTo(sink);
  const done = { value: undefined, done: true } as const;
  const direct: AsyncGenerator<ExecutionResult, void> = {
    next: () => finished.then(() => done),
    return: () => stream.return(),
    throw: (error: unknown) => stream.throw(error),
    [Symbol.asyncIterator]: () => direct,
    // Node 20's lib types AsyncGenerator with asyncDispose; graphql-ws never calls it.
  } as AsyncGenerator<ExecutionResult, void>;
  return direct;
}
