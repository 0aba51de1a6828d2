// feed: microblog posts, follows, the timeline and notifications (with their email channel).
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { logEmailChannel } from "./channel.ts";
import { feedEventHandlers } from "./inbound-events.ts";
import { type FeedLoaders, feedLoaders } from "./loaders.ts";
import { createFeedRepository, type FeedRepository } from "./repositories/index.ts";
import { feedResolvers } from "./resolvers/index.ts";

export const feed: SubgraphModule<FeedRepository, FeedLoaders> = {
  name: "feed",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow, _config, logger) =>
    createFeedRepository(uow, { channel: logEmailChannel(logger.child({ component: "email" })) }),
  createLoaders: feedLoaders,
  createResolvers: feedResolvers,
  createEventHandlers: feedEventHandlers,
};

export default feed;
