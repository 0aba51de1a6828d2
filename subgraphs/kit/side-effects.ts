// Reads that change something (a view counted) say so on their answer, so the gateway never shares it between
// identical concurrent requests (gateway/supergraph/data-source.ts): each request is its own view.
import type { ApolloServerPlugin } from "@apollo/server";
import { SIDE_EFFECT_HEADER } from "../../platform/http/side-effects.ts";
import type { SubgraphContext } from "./context.ts";

/** Called by a resolver whose read wrote something. */
export function recordSideEffect(ctx: SubgraphContext<unknown>): void {
  ctx.sideEffect = true;
}

export function sideEffectAnswers<TContext extends SubgraphContext<unknown>>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (contextValue.sideEffect) response.http.headers.set(SIDE_EFFECT_HEADER, "1");
        },
      };
    },
  };
}
