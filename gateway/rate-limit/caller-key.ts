// Whose budget a request spends: the signed-in user, else the client's IP.
import type { GatewayContext } from "../context.ts";

export function callerKey({ viewer, clientIp }: Pick<GatewayContext, "viewer" | "clientIp">): string {
  return viewer ? `user:${viewer.id}` : `ip:${clientIp ?? "unknown"}`;
}
