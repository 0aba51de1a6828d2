import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { logEmailChannel } from "./channel.ts";
import type { NotificationRow } from "./db/schema.ts";

describe("the log email channel", () => {
  it("writes one structured line per email, addressed to the user's email or, lacking one, their id", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const channel = logEmailChannel(pino({ level: "info" }, sink));
    const notification = {
      id: "3f1c2a4e-9b7d-4c1e-8f00-0123456789ab",
      userId: "0b1c2a4e-9b7d-4c1e-8f00-0123456789ab",
      kind: "NEW_FOLLOWER",
      message: "Bob started following you.",
    } as NotificationRow;
    await channel.send(notification, { id: notification.userId, name: "Alice", email: "alice@example.com" });
    await channel.send(notification, { id: notification.userId, name: null, email: null });
    expect(lines).toMatchObject([
      {
        msg: "email to alice@example.com: Bob started following you.",
        channel: "email",
        to: "alice@example.com",
        notificationId: notification.id,
        kind: "NEW_FOLLOWER",
      },
      { msg: `email to ${notification.userId}: Bob started following you.`, to: notification.userId },
    ]);
  });
});
