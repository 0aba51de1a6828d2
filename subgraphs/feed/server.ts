// feed: microblog posts, follows, the timeline and notifications (with their email channel).
import { join } from "node:path";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import type { SubgraphModule } from "../kit/module.ts";
import { logEmailChannel } from "./channel.ts";
import { createInboundEventHandlers } from "./inbound-events.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers/index.ts";

export const feed: SubgraphModule<Repositories, Loaders> = {
  name: "feed",
  migrationsFolder: join(PROJECT_ROOT, "subgraphs/feed/migrations"),
  createRepositories: (uow, _config, logger) =>
    createRepositories(uow, { channel: logEmailChannel(logger.child({ component: "email" })) }),
  createLoaders,
  createResolvers,
  createEventHandlers: createInboundEventHandlers,
};

export default feed;
