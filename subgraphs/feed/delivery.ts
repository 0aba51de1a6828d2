// Sends a stored notification through the channel, from the consumer of feed.notification.created:
// that event exists only once the notification committed, so a rolled-back one is never sent.
import type { Db } from "../kit/database.ts";
import type { NotificationChannel } from "./channel.ts";
import type { NotificationsRepository } from "./repositories/notifications.ts";
import type { UsersRepository } from "./repositories/users.ts";

export function createDelivery(
  channel: NotificationChannel,
  notifications: NotificationsRepository,
  users: UsersRepository,
) {
  let current = channel;
  return {
    /** Swaps the transport (another mail service, or a recording one in tests). */
    setChannel(next: NotificationChannel): void {
      current = next;
    },

    /** False when the notification no longer exists; nothing to send then. */
    async deliver(tx: Db, notificationId: string): Promise<boolean> {
      const [notification] = await notifications.findByIds([notificationId], tx);
      if (!notification) return false;
      const user = await users.find(notification.userId, tx);
      await current.send(notification, {
        id: notification.userId,
        name: user?.name ?? null,
        email: user?.email ?? null,
      });
      return true;
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
