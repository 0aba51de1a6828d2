// Durable broker metadata: topic definitions and committed group offsets, as a framed append-only log
// ([length][crc32c][json]) that is replayed on start and rewritten as a snapshot when it grows.

import fs from "node:fs";
import { crc32c } from "../records/crc32c.ts";
import type { Flusher } from "./flusher.ts";

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

type MetaRecord =
  | { k: "topic"; name: string; partitions: number }
  | { k: "deltopic"; name: string }
  | { k: "offsets"; group: string; list: Array<[string, number, number, string | null]> };

const COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

export class MetaStore {
  readonly topics = new Map<string, number>();
  /** group -> "topic\0partition" -> committed offset */
  readonly offsets = new Map<string, Map<string, CommittedOffset>>();
  private fd: number;
  private size = 0;
  private appendedSinceSnapshot = 0;

  constructor(
    private readonly file: string,
    private readonly flusher: Flusher,
    onTruncate: (file: string, validBytes: number) => void,
  ) {
    this.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    const data = fs.readFileSync(file);
    let pos = 0;
    let count = 0;
    while (pos + 8 <= data.length) {
      const len = data.readUInt32BE(pos);
      if (pos + 8 + len > data.length || crc32c(data, pos + 8, pos + 8 + len) !== data.readUInt32BE(pos + 4))
        break;
      this.apply(JSON.parse(data.toString("utf8", pos + 8, pos + 8 + len)) as MetaRecord);
      pos += 8 + len;
      count++;
    }
    if (pos < data.length) {
      onTruncate(file, pos);
      fs.ftruncateSync(this.fd, pos);
    }
    this.size = pos;
    // Replaying many small commits is wasted work on every start: fold them now.
    if (count > this.topics.size + this.offsets.size + 16) this.snapshot();
  }

  static key(topic: string, partition: number): string {
    return `${topic}\0${partition}`;
  }

  addTopic(name: string, partitions: number): void {
    this.write({ k: "topic", name, partitions });
  }

  deleteTopic(name: string): void {
    this.write({ k: "deltopic", name });
  }

  commit(group: string, list: Array<[string, number, number, string | null]>): void {
    if (list.length > 0) this.write({ k: "offsets", group, list }, true);
  }

  close(): void {
    this.flusher.closeFd(this.fd);
  }

  private write(rec: MetaRecord, lazy = false): void {
    this.apply(rec);
    const frame = encode(rec);
    fs.writeSync(this.fd, frame, 0, frame.length, this.size);
    this.size += frame.length;
    this.appendedSinceSnapshot += frame.length;
    if (lazy) this.flusher.markLazy(this.fd);
    else this.flusher.markDirty(this.fd);
    if (this.appendedSinceSnapshot > COMPACT_AFTER_BYTES) this.snapshot();
  }

  private apply(rec: MetaRecord): void {
    if (rec.k === "topic") this.topics.set(rec.name, rec.partitions);
    else if (rec.k === "deltopic") {
      this.topics.delete(rec.name);
      for (const group of this.offsets.values()) {
        for (const key of group.keys()) if (key.startsWith(`${rec.name}\0`)) group.delete(key);
      }
    } else {
      const group = this.offsets.get(rec.group) ?? new Map<string, CommittedOffset>();
      this.offsets.set(rec.group, group);
      for (const [topic, partition, offset, metadata] of rec.list) {
        group.set(MetaStore.key(topic, partition), { offset, metadata });
      }
    }
  }

  /** Writes the current state to a new file and swaps it in atomically. */
  private snapshot(): void {
    const frames: Buffer[] = [];
    for (const [name, partitions] of this.topics) frames.push(encode({ k: "topic", name, partitions }));
    for (const [group, offsets] of this.offsets) {
      const list: Array<[string, number, number, string | null]> = [];
      for (const [key, c] of offsets) {
        const [topic, partition] = key.split("\0") as [string, string];
        list.push([topic, Number(partition), c.offset, c.metadata]);
      }
      if (list.length > 0) frames.push(encode({ k: "offsets", group, list }));
    }
    const tmp = `${this.file}.tmp`;
    const data = Buffer.concat(frames);
    fs.writeFileSync(tmp, data);
    const tmpFd = fs.openSync(tmp, "r+");
    fs.fsyncSync(tmpFd);
    fs.closeSync(tmpFd);
    fs.renameSync(tmp, this.file);
    this.flusher.closeFd(this.fd);
    this.fd = fs.openSync(this.file, fs.constants.O_RDWR, 0o644);
    this.size = data.length;
    this.appendedSinceSnapshot = 0;
  }
}

function encode(rec: MetaRecord): Buffer {
  const json = Buffer.from(JSON.stringify(rec));
  const frame = Buffer.allocUnsafe(8 + json.length);
  frame.writeUInt32BE(json.length, 0);
  frame.writeUInt32BE(crc32c(json), 4);
  json.copy(frame, 8);
  return frame;
}
