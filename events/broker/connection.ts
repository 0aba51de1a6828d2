// One client connection: splits the TCP stream into size-prefixed frames, dispatches each request,
// and writes responses strictly in request order even when handlers finish out of order.
// Anything malformed closes this connection only.

import type { Socket } from "node:net";
import type { BrokerContext, RequestInfo } from "./context.ts";
import { HANDLERS } from "./handlers/index.ts";
import { ApiKey, isSupported } from "./protocol/api.ts";
import { ProtocolError, Reader } from "./protocol/reader.ts";
import type { Writer } from "./protocol/writer.ts";

interface Slot {
  correlationId: number;
  done: boolean;
  writer: Writer | null;
}

/** In-flight requests per connection before the broker stops reading from it. */
const MAX_IN_FLIGHT = 1024;
const MIN_HEADER = 8;

export class Connection {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private slots: Slot[] = [];
  private closed = false;
  readonly remote: string;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: BrokerContext,
    private readonly maxRequestBytes: number,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      // A client vanishing mid-write is ordinary churn, not an error worth a log line.
      if (err.code === "ECONNRESET" || err.code === "EPIPE") this.destroy();
      else this.fail("socket error", err);
    });
    socket.on("close", () => {
      this.closed = true;
    });
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.ctx.counters.bytesIn += chunk.length;
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
    while (!this.closed && this.pendingLen >= 4) {
      const size = this.peekSize();
      if (size < MIN_HEADER || size > this.maxRequestBytes) {
        this.fail(`bad frame size ${size}`);
        return;
      }
      if (this.pendingLen < 4 + size) return;
      this.dispatch(this.take(4 + size).subarray(4));
    }
  }

  private dispatch(frame: Buffer): void {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const correlationId = r.int32();
    const handler = HANDLERS.get(apiKey);
    // ApiVersions answers every version: that is how a client learns what to retry with.
    if (!handler || (apiKey !== ApiKey.ApiVersions && !isSupported(apiKey, version))) {
      this.fail(`unsupported api ${apiKey} v${version}`);
      return;
    }
    const slot: Slot = { correlationId, done: false, writer: null };
    this.slots.push(slot);
    if (this.slots.length >= MAX_IN_FLIGHT) this.socket.pause();
    this.ctx.counters.requests++;
    try {
      const clientId = apiKey === ApiKey.ApiVersions && version > 2 ? null : r.nullableString();
      const info: RequestInfo = {
        apiKey,
        version,
        correlationId,
        clientId,
        clientHost: this.socket.remoteAddress ?? "",
      };
      const result = handler(this.ctx, info, r);
      if (result instanceof Promise) {
        result.then(
          (w) => this.complete(slot, w),
          (err: unknown) => this.fail(`api ${apiKey} v${version} failed`, err),
        );
      } else this.complete(slot, result);
    } catch (err) {
      this.fail(`api ${apiKey} v${version} failed`, err);
    }
  }

  private complete(slot: Slot, writer: Writer | null): void {
    slot.done = true;
    slot.writer = writer;
    if (this.closed) return;
    let wrote = false;
    while (this.slots[0]?.done) {
      const s = this.slots.shift()!;
      if (!s.writer) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      const header = Buffer.allocUnsafe(8);
      header.writeInt32BE(s.writer.length + 4, 0);
      header.writeInt32BE(s.correlationId, 4);
      this.socket.write(header);
      for (const chunk of s.writer.finish()) this.socket.write(chunk);
      this.ctx.counters.bytesOut += s.writer.length + 8;
    }
    if (wrote) this.socket.uncork();
    if (this.slots.length < MAX_IN_FLIGHT / 2 && this.socket.isPaused()) this.socket.resume();
  }

  private fail(reason: string, err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.counters.connectionErrors++;
    const detail = err instanceof ProtocolError || err instanceof Error ? err.message : undefined;
    this.ctx.logger.warn("connection error", { remote: this.remote, reason, detail });
    this.socket.destroy();
  }

  private peekSize(): number {
    if (this.pending[0]!.length < 4) this.pending = [Buffer.concat(this.pending, this.pendingLen)];
    return this.pending[0]!.readInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.pending[0]!;
    if (first.length >= n) {
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
      this.pendingLen -= n;
      return first.subarray(0, n);
    }
    const all = Buffer.concat(this.pending, this.pendingLen);
    this.pending = all.length > n ? [all.subarray(n)] : [];
    this.pendingLen -= n;
    return all.subarray(0, n);
  }
}
