// Fan-out without per-subscriber serialization: a group's result is turned into JSON once, and each
// subscriber's graphql-ws `next` message is that JSON with its own operation id spliced in.
import type { ExecutionResult, FormattedExecutionResult } from "graphql";
import type { SubscriberStream } from "./stream.ts";

/** Every member of a group receives the same result object, so its JSON is computed by the first one only. */
const payloads = new WeakMap<FormattedExecutionResult, string>();

function payloadJson(result: FormattedExecutionResult): string {
  let json = payloads.get(result);
  if (json === undefined) {
    json = JSON.stringify(result);
    payloads.set(result, json);
  }
  return json;
}

/** graphql-transport-ws `next`, byte for byte what graphql-ws would send for the same id and result. */
export function nextMessage(id: string, result: FormattedExecutionResult): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":${payloadJson(result)}}`;
}

/** The part of a `ws` WebSocket used here. */
export interface MessageSocket {
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string, done: (error?: Error) => void): void;
}

/**
 * What graphql-ws iterates for a subscription: it writes each delivery itself and yields nothing, so
 * graphql-ws only sends `complete` (after every delivery) or an error. Each write is awaited before the
 * next one, as graphql-ws does: a slow socket leaves deliveries in the stream's bounded queue, where
 * falling too far behind closes it (TOO_SLOW), instead of growing the socket's buffer without limit.
 * Hand-written rather than an async generator: graphql-ws' return() must end a pending next() at once.
 */
export function sendingDirectly(
  stream: SubscriberStream,
  socket: MessageSocket,
  id: string,
): AsyncGenerator<ExecutionResult, void> {
  const direct: AsyncGenerator<ExecutionResult, void> = {
    async next() {
      for (;;) {
        const item = await stream.next();
        if (item.done) return item;
        // Closing: graphql-ws returns the stream once the socket has closed; nothing more can be sent.
        if (socket.readyState !== socket.OPEN) continue;
        const message = nextMessage(id, item.value);
        await new Promise<void>((resolve) => socket.send(message, () => resolve()));
      }
    },
    return: () => stream.return(),
    throw: (error: unknown) => stream.throw(error),
    [Symbol.asyncIterator]: () => direct,
    // Node 20's lib types AsyncGenerator with asyncDispose; graphql-ws never calls it.
  } as AsyncGenerator<ExecutionResult, void>;
  return direct;
}
