// An answer whose request changed something (platform/http/side-effects.ts) belongs to that request alone:
// never stored, whatever its type declares.
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import { SIDE_EFFECT_HEADER } from "../../platform/http/side-effects.ts";

export function hadSideEffect(response: GatewayGraphQLResponse): boolean {
  return Boolean(response.http?.headers.get(SIDE_EFFECT_HEADER));
}
