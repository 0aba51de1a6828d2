// GET /graphql in a browser: Apollo Sandbox, falling back by itself to the local explorer (/graphiql) when
// Sandbox's CDN cannot be reached; nothing in production.
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { withSandboxFallback } from "../explorer/sandbox-fallback.ts";

export interface LandingPageOptions {
  enabled?: boolean;
}

export function useLandingPage(options: LandingPageOptions = {}): ApolloServerPlugin {
  if (!(options.enabled ?? true)) return ApolloServerPluginLandingPageDisabled();
  // Sandbox sends the token as a header the developer sets, never the gateway's cookies.
  const sandbox = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false });
  return {
    async serverWillStart(service) {
      const listener = await sandbox.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render();
          const html = page.html;
          return {
            html: async () => withSandboxFallback(typeof html === "string" ? html : await html()),
          };
        },
      };
    },
  };
}
