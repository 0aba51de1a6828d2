// Lightweight graphql-ws subscribers for the bench: raw `ws` sockets speaking graphql-transport-ws, one subscription each.
import WebSocket from "ws";

export interface Subscriber {
  socket: WebSocket;
  /** Arrival time of each delivery, in order: wall-clock ms (timeOrigin + now), comparable across processes. */
  arrivals: number[];
  /** Which event each delivery was: the `stock` it carries (the bench sets a new quantity per event). */
  stocks: number[];
  closeCode?: number;
}

const STOCK = /"stock":(-?\d+)/;

/** Sub-millisecond wall clock shared by the bench's processes (Date.now() only has whole milliseconds). */
export const wallClock = () => performance.timeOrigin + performance.now();

export async function openSubscribers(
  url: string,
  count: number,
  query: string,
  variables: Record<string, unknown>,
): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  // Batches: thousands of simultaneous handshakes only measure the accept queue.
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, () => openOne(url, query, variables));
    subscribers.push(...(await Promise.all(batch)));
  }
  return subscribers;
}

function openOne(url: string, query: string, variables: Record<string, unknown>): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    const subscriber: Subscriber = { socket, arrivals: [], stocks: [] };
    socket.once("error", reject);
    socket.once("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: {} })));
    socket.on("close", (code) => {
      subscriber.closeCode = code;
    });
    socket.on("message", (raw) => {
      // Timestamp first, before any other work, so the client's own cost does not count as latency.
      const at = wallClock();
      const text = raw.toString();
      if (text.startsWith('{"type":"connection_ack"')) {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
        resolve(subscriber);
      } else if (text.includes('"type":"next"')) {
        subscriber.arrivals.push(at);
        subscriber.stocks.push(Number(STOCK.exec(text)?.[1] ?? Number.NaN));
      } else if (text.includes('"type":"ping"')) socket.send('{"type":"pong"}');
    });
  });
}

export async function closeSubscribers(subscribers: Subscriber[]): Promise<void> {
  await Promise.all(
    subscribers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.socket.readyState === WebSocket.CLOSED) return resolve();
          s.socket.once("close", () => resolve());
          s.socket.close(1000);
        }),
    ),
  );
}
