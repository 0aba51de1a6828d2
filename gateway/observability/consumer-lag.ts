// The gateway's own consumer group lag. The gateway follows the supergraph's @event topics, so the topics to
// sample come from each loaded supergraph, the same way the subscription consumer finds them.
import type { ApolloServerPlugin } from "@apollo/server";
import { createKafka } from "../../events/kafka.ts";
import type { Logger } from "../../platform/logger.ts";
import { sampleConsumerLag } from "../../platform/metrics/index.ts";
import type { GatewayContext } from "../context.ts";
import { eventBindings } from "../subscriptions/planning/bindings.ts";

export interface GatewayLagOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  intervalMs: number;
  logger: Logger;
}

export interface GatewayLag {
  /** Reads the topics of every supergraph the gateway loads. */
  plugin: ApolloServerPlugin<GatewayContext>;
  stop(): Promise<void>;
}

export function watchGatewayLag(options: GatewayLagOptions): GatewayLag {
  let topics: string[] = [];
  const sampler = sampleConsumerLag({
    // A client of its own: the sampler's admin requests never queue behind the consumer's fetches.
    kafka: createKafka({
      brokers: options.brokers,
      clientId: `${options.clientId}-lag`,
      logger: options.logger,
    }),
    groupId: options.groupId,
    topics: () => topics,
    // The gateway's group starts at the end; history it never wanted is not lag.
    fromBeginning: false,
    intervalMs: options.intervalMs,
    logger: options.logger,
  });
  return {
    plugin: {
      async serverWillStart() {
        return {
          schemaDidLoadOrUpdate({ coreSupergraphSdl }) {
            if (!coreSupergraphSdl) return;
            const { bindings } = eventBindings(coreSupergraphSdl);
            topics = [...new Set([...bindings.values()].map((binding) => binding.topic))];
          },
        };
      },
    },
    stop: () => sampler.stop(),
  };
}
