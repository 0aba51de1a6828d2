// @apollo/gateway refuses supergraphs that link @authenticated/@requiresScopes "for: SECURITY" (only the Router
// enforces them); every subgraph enforces them itself (subgraphs/kit/authorization), so the gateway loads them
// as plain metadata.
const SECURITY_LINK =
  /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"), for: SECURITY\)/g;

export const withSubgraphEnforcedSecurity = (sdl: string): string => sdl.replace(SECURITY_LINK, "$1)");
