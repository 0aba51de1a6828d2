// Who is subscribing, from the transport's credentials (a header, or graphql-ws' connection_init payload):
// the same verification as over HTTP, refused with UNAUTHENTICATED in the transports' graphql-js realm.
import type { GraphQLError } from "graphql";
import type { TokenSettings } from "../../../platform/auth/tokens.ts";
import { unauthenticated } from "../../../platform/errors.ts";
import { createGatewayContext } from "../../context.ts";
import { runtimeError } from "../../graphql-runtime.ts";
import type { Caller } from "./operation.ts";

/** An auth failure without Apollo's `http` hint (meaningless on a stream). */
function refusal(error: unknown): GraphQLError {
  const { message, extensions } = error as { message?: string; extensions?: Record<string, unknown> };
  if (!message || extensions?.code !== "UNAUTHENTICATED") return runtimeError(unauthenticated());
  const { http: _http, ...rest } = extensions;
  return runtimeError({ message, extensions: rest });
}

export function callerFrom(
  tokens: TokenSettings,
  authorization: unknown,
  clientIp: string | undefined,
): Caller | GraphQLError {
  try {
    const { requestId: _, ...caller } = createGatewayContext(tokens, {
      authorization: typeof authorization === "string" ? authorization : undefined,
    });
    return { ...caller, clientIp };
  } catch (error) {
    return refusal(error);
  }
}
