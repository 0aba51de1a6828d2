// Tells the rest of the gateway (subscriptions, readiness) each time a supergraph is loaded or replaced.
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";

export type SchemaListener = (apiSchema: GraphQLSchema, coreSupergraphSdl: string) => void;

export function useSchemaListener(listener: SchemaListener): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate: ({ apiSchema, coreSupergraphSdl }) => {
          if (coreSupergraphSdl) listener(apiSchema, coreSupergraphSdl);
        },
      };
    },
  };
}
