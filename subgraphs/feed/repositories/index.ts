// feed's repositories, one per aggregate, and the delivery of notifications built on two of them: what
// server.ts hands to loaders, resolvers and inbound events.
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import type { NotificationChannel } from "../channel.ts";
import { createDelivery } from "../delivery.ts";
import { createFollowsRepository } from "./follows.ts";
import { createNotificationsRepository } from "./notifications.ts";
import { createPostsRepository } from "./posts.ts";
import { createProductNamesRepository } from "./product-names.ts";
import { createTimelineRepository } from "./timeline.ts";
import { createUsersRepository } from "./users.ts";

export interface RepositoriesOptions {
  channel: NotificationChannel;
}

export function createRepositories(uow: UnitOfWork, { channel }: RepositoriesOptions) {
  const users = createUsersRepository(uow.db);
  const notifications = createNotificationsRepository(uow.db);
  return {
    posts: createPostsRepository(uow),
    follows: createFollowsRepository(uow),
    users,
    productNames: createProductNamesRepository(uow.db),
    timeline: createTimelineRepository(uow.db),
    notifications,
    delivery: createDelivery(channel, notifications, users),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
