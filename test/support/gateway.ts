// Starts a real gateway on a free port with test-friendly settings (fast Kafka polling, quiet logs).

import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { signAccessToken, type TokenSettings, type Viewer } from "../../platform/auth/tokens.ts";
import { silentLogger } from "../../platform/logger.ts";

export interface TestGateway {
  gateway: Gateway;
  url: string;
  wsUrl: string;
  origin: string;
  tokens: TokenSettings;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startTestGateway(env: Record<string, string>): Promise<TestGateway> {
  const config = parseConfig({
    NODE_ENV: "test",
    SUPERGRAPH_DEBOUNCE_MS: "30",
    SUBSCRIPTIONS_ENABLED: "false",
    KAFKA_MAX_WAIT_MS: "50",
    KAFKA_SESSION_TIMEOUT_MS: "6000",
    KAFKA_HEARTBEAT_INTERVAL_MS: "500",
    READY_CACHE_MS: "0",
    READY_TIMEOUT_MS: "1000",
    SHUTDOWN_TIMEOUT_MS: "1000",
    ...env,
  });
  const gateway = await buildGateway(config, { logger: silentLogger });
  const { url, port } = await gateway.listen(0, "127.0.0.1");
  return {
    gateway,
    url,
    wsUrl: url.replace(/^http/, "ws"),
    origin: `http://127.0.0.1:${port}`,
    tokens: config.tokens,
    post: (body, headers = {}) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    stop: () => gateway.stop(),
  };
}

export function bearer(tokens: TokenSettings, viewer: Viewer): string {
  return `Bearer ${signAccessToken(tokens, viewer).token}`;
}
