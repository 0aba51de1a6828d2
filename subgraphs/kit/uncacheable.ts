// Subgraph answers are never cacheable: no schema declares @cacheControl, so Apollo's cache-control plugin
// (installed unless disabled) always ends at maxAge 0 and "cache-control: no-store", but only after building
// a cache policy for every resolved field, work and garbage on every request that can never change the answer;
// this plugin sends the same header without that work. A subgraph that starts declaring @cacheControl must
// remove it.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";

export function uncacheableAnswers<TContext extends BaseContext>(): ApolloServerPlugin<TContext>[] {
  return [
    ApolloServerPluginCacheControlDisabled(),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            if (!response.http.headers.has("cache-control"))
              response.http.headers.set("cache-control", "no-store");
          },
        };
      },
    },
  ];
}
