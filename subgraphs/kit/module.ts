// The shape every subgraph exports, so one runtime starts all six the same way.
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { ConsumerHandlers } from "../../events/consumer/index.ts";
import type { Logger } from "../../platform/logger.ts";
import type { SubgraphName } from "../../platform/topology.ts";
import type { SubgraphConfig } from "./config.ts";
import type { SubgraphContext } from "./context.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

export interface SubgraphModule<Repo, Loaders> {
  name: SubgraphName;
  /** Folder of the drizzle-kit migrations, applied at start. */
  migrationsFolder: string;
  createRepository(uow: UnitOfWork, config: SubgraphConfig, logger: Logger): Repo;
  createLoaders(repo: Repo): Loaders;
  // biome-ignore lint/suspicious/noExplicitAny: resolver maps are checked against the SDL by tests.
  createResolvers(repo: Repo): GraphQLResolverMap<SubgraphContext<Loaders>> | Record<string, any>;
  /** Reactions to other subgraphs' events, each run in one transaction with its "processed" mark. */
  createEventHandlers?(repo: Repo): ConsumerHandlers;
  /** Runs once after migrations, before serving (e.g. the admin bootstrap). */
  onStart?(repo: Repo, config: SubgraphConfig): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of modules with different repositories.
export type AnySubgraphModule = SubgraphModule<any, any>;
