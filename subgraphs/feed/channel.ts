// Where notifications leave the system besides GraphQL: a pluggable channel; by default, email as a log line.
import type { Logger } from "../../platform/logger.ts";
import type { NotificationRow } from "./db/schema.ts";

export interface Recipient {
  id: string;
  /** Null while accounts' registration event has not reached feed yet. */
  name: string | null;
  email: string | null;
}

export interface NotificationChannel {
  /** Throwing means "try again": the consumer retries the delivery, so a channel may see a notification twice. */
  send(notification: NotificationRow, recipient: Recipient): Promise<void>;
}

/** The development transport: one structured log line per email, no mail server needed. */
export function logEmailChannel(logger: Logger): NotificationChannel {
  return {
    async send(notification, recipient) {
      const to = recipient.email ?? recipient.id;
      logger.info(
        {
          channel: "email",
          to,
          userId: recipient.id,
          notificationId: notification.id,
          kind: notification.kind,
        },
        `email to ${to}: ${notification.message}`,
      );
    },
  };
}
