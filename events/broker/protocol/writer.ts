// Response encoder that collects chunks instead of one flat buffer,
// so large record batches are passed to the socket by reference rather than copied.

/** Most responses are tiny; scratch space grows only for the ones that are not. */
const SCRATCH = 256;
const COPY_LIMIT = 512;

export class Writer {
  private chunks: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(SCRATCH);
  private start = 0;
  private pos = 0;
  length = 0;

  private room(n: number): void {
    if (this.pos + n <= this.scratch.length) return;
    this.flushScratch();
    this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, n));
    this.start = 0;
    this.pos = 0;
  }

  private flushScratch(): void {
    if (this.pos > this.start) this.chunks.push(this.scratch.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  int8(v: number): this {
    this.room(1);
    this.scratch.writeInt8(v, this.pos);
    this.pos += 1;
    this.length += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.room(2);
    this.scratch.writeInt16BE(v, this.pos);
    this.pos += 2;
    this.length += 2;
    return this;
  }

  int32(v: number): this {
    this.room(4);
    this.scratch.writeInt32BE(v, this.pos);
    this.pos += 4;
    this.length += 4;
    return this;
  }

  int64(v: number): this {
    this.room(8);
    this.scratch.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    this.length += 8;
    return this;
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const len = Buffer.byteLength(s);
    this.int16(len);
    this.room(len);
    this.scratch.write(s, this.pos, "utf8");
    this.pos += len;
    this.length += len;
    return this;
  }

  string(s: string): this {
    return this.nullableString(s);
  }

  raw(b: Buffer): this {
    if (b.length <= COPY_LIMIT) {
      this.room(b.length);
      b.copy(this.scratch, this.pos);
      this.pos += b.length;
    } else {
      this.flushScratch();
      this.chunks.push(b);
    }
    this.length += b.length;
    return this;
  }

  nullableBytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }

  bytes(b: Buffer): this {
    return this.nullableBytes(b);
  }

  array<T>(items: readonly T[], item: (w: Writer, v: T) => void): this {
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }

  /** The encoded message as chunks whose lengths sum to `length`. */
  finish(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }
}
