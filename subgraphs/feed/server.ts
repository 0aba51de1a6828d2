// feed: microblog posts, follows, the timeline and notifications (with their email channel).
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { logEmailChannel } from "./channel.ts";
import { createInboundEventHandlers } from "./inbound-events.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers/index.ts";

export const feed: SubgraphModule<Repositories, Loaders> = {
  name: "feed",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow, _config, logger) =>
    createRepositories(uow, { channel: logEmailChannel(logger.child({ component: "email" })) }),
  createLoaders,
  createResolvers,
  createEventHandlers: createInboundEventHandlers,
};

export default feed;
