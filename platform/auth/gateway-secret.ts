// The shared secret that makes a subgraph answer the gateway alone: the gateway's login throttle, operation
// limits and error masking only protect what goes through the gateway, so a subgraph port must not serve anyone
// else in production.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http/respond.ts";

/** Sent by the gateway on every subgraph request; never forwarded from a client. */
export const GATEWAY_SECRET_HEADER = "x-gateway-secret";

export const MIN_GATEWAY_SECRET_LENGTH = 32;

/**
 * The WWW-Authenticate challenge of a refusal, so the gateway can tell a secret that differs (an operator's
 * mistake: the service is unavailable to clients) from a user token a subgraph refused.
 */
export const GATEWAY_SECRET_CHALLENGE = "GatewaySecret";

/**
 * GATEWAY_SECRET as the gateway and the subgraphs read it: required in production, at least 32 characters
 * whenever it is set. Unset outside production leaves subgraph ports open for debugging.
 */
export function parseGatewaySecret(value: string | undefined, nodeEnv: string): string | undefined {
  const secret = value === "" ? undefined : value;
  if (secret === undefined) {
    if (nodeEnv === "production") {
      throw new Error(
        "GATEWAY_SECRET must be set in production (the same random value, 32+ characters, for the gateway and " +
          "every subgraph): without it every subgraph port answers anyone, bypassing the gateway's limits",
      );
    }
    return undefined;
  }
  if (secret.length < MIN_GATEWAY_SECRET_LENGTH) {
    throw new Error(
      `GATEWAY_SECRET must be at least ${MIN_GATEWAY_SECRET_LENGTH} characters: short secrets can be guessed`,
    );
  }
  return secret;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Whether a presented header holds the secret. Both sides are hashed first, so the comparison takes the same
 * time whatever the length or the first wrong character of a guess.
 */
export function gatewaySecretMatcher(secret: string): (presented: string | undefined) => boolean {
  const expected = digest(secret);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), expected);
}

/**
 * For a subgraph's /graphql: answers 401 and returns true unless the request carries the secret. Without a
 * secret (development) every caller is let through, so a subgraph can still be queried directly there.
 */
export function gatewayOnly(
  secret: string | undefined,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (secret === undefined) return () => false;
  const matches = gatewaySecretMatcher(secret);
  return (req, res) => {
    const presented = req.headers[GATEWAY_SECRET_HEADER];
    if (matches(typeof presented === "string" ? presented : undefined)) return false;
    res.setHeader("www-authenticate", GATEWAY_SECRET_CHALLENGE);
    sendJson(res, 401, {
      errors: [
        {
          message: "This service answers only the gateway; send your request to the gateway.",
          extensions: { code: "UNAUTHENTICATED" },
        },
      ],
    });
    return true;
  };
}
