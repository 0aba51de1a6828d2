// AppendQueue: appends land in order at the positions it hands out, off the event loop, and a
// failed write fails every waiter and every later append instead of leaving a silent gap.

import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../testing/broker.ts";
import { waitFor } from "../../testing/wait.ts";
import { AppendQueue } from "./append-queue.ts";

const open: number[] = [];
afterEach(() => {
  for (const fd of open.splice(0)) fs.closeSync(fd);
});

function openFile(flags = "w+"): { file: string; fd: number } {
  const file = path.join(tempDir("append-queue-"), "segment.log");
  fs.writeFileSync(file, "");
  const fd = fs.openSync(file, flags);
  open.push(fd);
  return { file, fd };
}

describe("AppendQueue", () => {
  it("returns before the bytes are written, then writes them in order at the positions it returned", async () => {
    const { file, fd } = openFile();
    fs.writeSync(fd, Buffer.from("head:"));
    let writes = 0;
    const queue = new AppendQueue(fd, 5, () => writes++);
    const positions = ["one,", "two,", "three"].map((s) => queue.append(Buffer.from(s)));

    expect(positions).toEqual([5, 9, 13]);
    // The write runs on the thread pool; its completion can only be seen on a later turn of the loop.
    expect(queue.writtenBytes).toBe(5);
    expect(writes).toBe(0);
    expect(queue.idle).toBe(false);

    await queue.written();
    expect(fs.readFileSync(file, "utf8")).toBe("head:one,two,three");
    expect(queue.writtenBytes).toBe(18);
    expect(queue.idle).toBe(true);
    expect(writes).toBeGreaterThanOrEqual(1);
  });

  it("tells the owner about each write before resolving its waiters, so a flush that follows covers it", async () => {
    const { fd } = openFile();
    const events: string[] = [];
    const queue = new AppendQueue(fd, 0, () => events.push("written"));
    queue.append(Buffer.from("x"));
    await queue.written().then(() => events.push("resolved"));
    expect(events).toEqual(["written", "resolved"]);
  });

  it("writes more buffers than one writev call takes", async () => {
    const { file, fd } = openFile();
    const queue = new AppendQueue(fd, 0, () => {});
    for (let i = 0; i < 2000; i++) queue.append(Buffer.from(`${i % 10}`));
    await queue.written();
    const text = fs.readFileSync(file, "utf8");
    expect(text.length).toBe(2000);
    expect(text.slice(0, 12)).toBe("012345678901");
  });

  it("rejects the waiters of a failed write and refuses later appends", async () => {
    const { fd } = openFile("r");
    const queue = new AppendQueue(fd, 0, () => {});
    queue.append(Buffer.from("cannot write to a read-only descriptor"));
    await expect(queue.written()).rejects.toThrow(/EBADF/);
    expect(queue.failed?.message).toMatch(/EBADF/);
    expect(() => queue.append(Buffer.from("more"))).toThrow(/EBADF/);
  });

  it("on abandon drops queued appends and lets the owner close the descriptor only after the running write", async () => {
    const { file, fd } = openFile();
    const queue = new AppendQueue(fd, 0, () => {});
    queue.append(Buffer.from("first"));
    const waiting = queue.written();
    let closed = false;
    queue.abandon(() => {
      closed = true;
    });
    expect(closed).toBe(false);
    await expect(waiting).rejects.toThrow(/closed/);
    // The write runs on libuv's thread pool: on a busy machine it may finish well after 50 ms.
    await waitFor(() => closed, "the running write to finish", 5_000);
    expect(fs.readFileSync(file, "utf8")).toBe("first");
    expect(() => queue.append(Buffer.from("late"))).toThrow(/closed/);
  });
});
