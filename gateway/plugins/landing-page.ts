// Apollo Sandbox embedded at GET /graphql for developers; nothing in production.
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";

export interface LandingPageOptions {
  enabled?: boolean;
}

export function useLandingPage(options: LandingPageOptions = {}): ApolloServerPlugin {
  if (!(options.enabled ?? true)) return ApolloServerPluginLandingPageDisabled();
  // Sandbox sends the token as a header the developer sets, never the gateway's cookies.
  return ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false });
}
