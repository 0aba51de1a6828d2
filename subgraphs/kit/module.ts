// The shape every subgraph exports, so one runtime starts all six the same way.
import type { ConsumerHandlers } from "../../events/consumer/index.ts";
import type { Logger } from "../../platform/logger.ts";
import type { SubgraphName } from "../../platform/topology.ts";
import type { SubgraphConfig } from "./config.ts";
import type { UnitOfWork } from "./unit-of-work.ts";

/** Any generated `Resolvers` map: type name to its field resolvers (or a scalar). */
export type ResolverMap = Record<string, object | undefined>;

export interface SubgraphModule<Repo, Loaders> {
  name: SubgraphName;
  /** Folder of the drizzle-kit migrations, applied at start. */
  migrationsFolder: string;
  /** One repository per aggregate (repositories/index.ts), handed to loaders, resolvers and handlers. */
  createRepositories(uow: UnitOfWork, config: SubgraphConfig, logger: Logger): Repo;
  createLoaders(repo: Repo): Loaders;
  /**
   * Each subgraph types its map with the `Resolvers` generated from its SDL (generated/resolvers-types.ts),
   * which is where fields, arguments and parents are checked; the kit only hands the map to Apollo.
   */
  createResolvers(repo: Repo): ResolverMap;
  /** Reactions to other subgraphs' events, each run in one transaction with its "processed" mark. */
  createEventHandlers?(repo: Repo): ConsumerHandlers;
  /** Runs once after migrations, before serving (e.g. the admin bootstrap). */
  onStart?(repo: Repo, config: SubgraphConfig): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of modules with different repositories.
export type AnySubgraphModule = SubgraphModule<any, any>;
