// Access tokens for tests, signed exactly as the accounts subgraph signs them.
import { randomUUID } from "node:crypto";
import { type Role, signAccessToken, type TokenSettings } from "../../platform/auth/tokens.ts";
import { parseTokenSettings } from "../../platform/config.ts";
import { testEnv } from "./config.ts";

export const testTokenSettings: TokenSettings = parseTokenSettings(testEnv(), "test");

export function tokenFor(
  roles: Role[] = ["CUSTOMER"],
  id: string = randomUUID(),
): { id: string; token: string; authorization: string } {
  const { token } = signAccessToken(testTokenSettings, { id, roles });
  return { id, token, authorization: `Bearer ${token}` };
}
