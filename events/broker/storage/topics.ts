// The topic registry: creates, deletes and auto-creates topics, owns their partition logs
// under DATA_DIR/broker/topics/<topic>/<partition>, and applies retention.

import fs from "node:fs";
import path from "node:path";
import { ErrorCode } from "../protocol/api.ts";
import type { Flusher } from "./flusher.ts";
import type { MetaStore } from "./meta-store.ts";
import { PartitionLog } from "./partition-log.ts";

export interface Topic {
  name: string;
  partitions: PartitionLog[];
}

export interface TopicStoreOptions {
  autoCreate: boolean;
  defaultPartitions: number;
  segmentBytes: number;
  cacheBytes: number;
  retentionBytes: number | undefined;
  retentionMs: number | undefined;
  onTruncate: (file: string, validBytes: number) => void;
  /** A partition has new readable records (its writes landed). */
  onReadable: (log: PartitionLog) => void;
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
export const MAX_PARTITIONS = 1024;

export function isValidTopicName(name: string): boolean {
  return LEGAL_NAME.test(name) && name !== "." && name !== "..";
}

export class TopicStore {
  readonly topics = new Map<string, Topic>();
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly meta: MetaStore,
    private readonly flusher: Flusher,
    readonly opts: TopicStoreOptions,
  ) {
    this.root = path.join(dataDir, "topics");
    fs.mkdirSync(this.root, { recursive: true });
    for (const [name, count] of meta.topics) this.open(name, count);
    // Directories left by a delete that was interrupted before it finished.
    for (const dir of fs.readdirSync(this.root)) {
      if (!this.topics.has(dir)) fs.rmSync(path.join(this.root, dir), { recursive: true, force: true });
    }
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(name: string, partition: number): PartitionLog | undefined {
    return this.topics.get(name)?.partitions[partition];
  }

  /** The topic, auto-creating it when allowed; an error code when it cannot exist. */
  getOrCreate(name: string, allowAutoCreate: boolean): Topic | number {
    const existing = this.topics.get(name);
    if (existing) return existing;
    if (!isValidTopicName(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    if (!allowAutoCreate || !this.opts.autoCreate) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.create(name, this.opts.defaultPartitions);
    return this.topics.get(name)!;
  }

  create(name: string, partitions: number): number {
    if (!isValidTopicName(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    if (this.topics.has(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      return ErrorCode.INVALID_PARTITIONS;
    }
    this.meta.addTopic(name, partitions);
    this.open(name, partitions);
    return ErrorCode.NONE;
  }

  delete(name: string): number {
    const topic = this.topics.get(name);
    if (!topic) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.meta.deleteTopic(name);
    this.topics.delete(name);
    for (const p of topic.partitions) p.close();
    fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
    return ErrorCode.NONE;
  }

  enforceRetention(now = Date.now()): void {
    const { retentionBytes, retentionMs } = this.opts;
    if (retentionBytes === undefined && retentionMs === undefined) return;
    for (const t of this.topics.values()) {
      for (const p of t.partitions) p.enforceRetention(now, retentionBytes, retentionMs);
    }
  }

  /** Resolves once every accepted append is in its file (or failed), so a final flush covers it. */
  async drain(): Promise<void> {
    const logs = [...this.topics.values()].flatMap((t) => t.partitions);
    await Promise.allSettled(logs.map((p) => p.written()));
  }

  close(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.close();
    this.topics.clear();
  }

  private open(name: string, count: number): void {
    const partitions: PartitionLog[] = [];
    for (let i = 0; i < count; i++) {
      partitions.push(
        new PartitionLog(path.join(this.root, name, String(i)), {
          segmentBytes: this.opts.segmentBytes,
          cacheBytes: this.opts.cacheBytes,
          retentionBytes: this.opts.retentionBytes,
          flusher: this.flusher,
          onTruncate: this.opts.onTruncate,
          onReadable: this.opts.onReadable,
        }),
      );
    }
    this.topics.set(name, { name, partitions });
  }
}
