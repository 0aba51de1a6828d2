// The bench's subscribers: graphql-transport-ws over a minimal WebSocket client written on net.Socket.
// A load generator must cost less than what it measures: `ws`' client validates UTF-8 and copies every
// message through a Writable stream, and two of those processes on one core could not read 50,000 messages/s,
// so their backlog was counted as the gateway's latency. This one reads frames straight from the socket into
// one reused buffer (net's `onread`: no stream machinery, no allocation per read), matches deliveries on their
// bytes without decoding them, and stamps every frame of a read with the time of that read.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export interface Subscriber {
  socket: Socket;
  /** Arrival time of each delivery, in order: wall-clock ms (timeOrigin + now), comparable across processes. */
  arrivals: number[];
  /** Which event each delivery was: the `stock` it carries (the bench sets a new quantity per event). */
  stocks: number[];
  closeCode?: number;
}

/** Sub-millisecond wall clock shared by the bench's processes (Date.now() only has whole milliseconds). */
export const wallClock = () => performance.timeOrigin + performance.now();

const NEXT = Buffer.from('"type":"next"');
const STOCK = Buffer.from('"stock":');
const EMPTY = Buffer.alloc(0);
/** Every socket of this process reads into it: callbacks run one at a time and copy what they keep. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

/** A client frame: clients must mask (RFC 6455 §5.3). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : 4;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | length;
  else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < length; i++) frame[header + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

const sendText = (socket: Socket, text: string) => socket.write(clientFrame(TEXT, Buffer.from(text)));

/** The integer after `"stock":` in a delivery, read from its bytes; NaN if there is none. */
function stockOf(payload: Buffer): number {
  const at = payload.indexOf(STOCK);
  if (at < 0) return Number.NaN;
  let i = at + STOCK.length;
  const negative = payload[i] === 0x2d;
  if (negative) i++;
  let value = 0;
  let digits = 0;
  for (; i < payload.length && payload[i]! >= 0x30 && payload[i]! <= 0x39; i++, digits++)
    value = value * 10 + payload[i]! - 0x30;
  if (digits === 0) return Number.NaN;
  return negative ? -value : value;
}

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
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({
      port: Number(port),
      host: hostname,
      onread: {
        buffer: READ_BUFFER,
        callback: (read) => {
          onChunk(READ_BUFFER.subarray(0, read));
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    const subscriber: Subscriber = { socket, arrivals: [], stocks: [] };
    let handshaken = false;
    let pending: Buffer = EMPTY;
    socket.once("error", reject);
    socket.on("connect", () => {
      const key = randomBytes(16).toString("base64");
      socket.write(
        `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`,
      );
    });
    const onText = (payload: Buffer, at: number) => {
      // Deliveries first, straight from the bytes: they are all but a handful of the frames.
      if (payload.includes(NEXT)) {
        subscriber.arrivals.push(at);
        subscriber.stocks.push(stockOf(payload));
        return;
      }
      const text = payload.toString();
      if (text.startsWith('{"type":"connection_ack"')) {
        sendText(socket, JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
        resolve(subscriber);
      } else if (text.includes('"type":"ping"')) sendText(socket, '{"type":"pong"}');
    };
    // `chunk` is a view of the shared READ_BUFFER: whatever outlives this call is copied.
    const onChunk = (chunk: Buffer) => {
      // Stamp first: every frame in this read arrived now, whatever parsing them costs.
      const at = wallClock();
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!handshaken) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) {
          pending = Buffer.from(pending);
          return;
        }
        if (!pending.subarray(0, 12).toString().includes(" 101")) {
          return reject(new Error(`handshake refused: ${pending.subarray(0, end).toString()}`));
        }
        handshaken = true;
        pending = pending.subarray(end + 4);
        sendText(socket, JSON.stringify({ type: "connection_init", payload: {} }));
      }
      let offset = 0;
      while (pending.length - offset >= 2) {
        const opcode = pending[offset]! & 0x0f;
        let length = pending[offset + 1]! & 0x7f;
        let header = 2;
        if (length === 126) {
          if (pending.length - offset < 4) break;
          length = pending.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (pending.length - offset < 10) break;
          length = Number(pending.readBigUInt64BE(offset + 2));
          header = 10;
        }
        if (pending.length - offset < header + length) break;
        const payload = pending.subarray(offset + header, offset + header + length);
        offset += header + length;
        if (opcode === TEXT) onText(payload, at);
        else if (opcode === PING) socket.write(clientFrame(PONG, payload));
        else if (opcode === CLOSE) {
          subscriber.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          socket.end();
        }
      }
      pending = offset === pending.length ? EMPTY : Buffer.from(pending.subarray(offset));
    };
    socket.on("close", () => {
      subscriber.closeCode ??= 1006;
    });
  });
}

export async function closeSubscribers(subscribers: Subscriber[]): Promise<void> {
  await Promise.all(
    subscribers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.socket.destroyed) return resolve();
          s.socket.once("close", () => resolve());
          const code = Buffer.alloc(2);
          code.writeUInt16BE(1000);
          s.socket.write(clientFrame(CLOSE, code));
          // The server answers with its own close frame and ends the TCP connection.
          s.socket.setTimeout(2000, () => s.socket.destroy());
        }),
    ),
  );
}
