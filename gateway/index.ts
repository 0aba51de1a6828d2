// Entry point: the only place that reads process.env; builds the gateway, listens, drains on SIGINT/SIGTERM.
import { createLogger } from "../platform/logger.ts";
import { type GatewayConfig, parseConfig } from "./config.ts";
import { buildGateway } from "./server.ts";

let config: GatewayConfig;
try {
  config = parseConfig(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const logger = createLogger({ name: "gateway", level: config.logLevel, pretty: config.logPretty });
// A start-up refusal (an unreadable persisted query manifest, say) is one line naming the reason, not a trace.
const gateway = await buildGateway(config, { logger }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
const { url } = await gateway.listen(config.port, config.host);
// Milliseconds since the process started: Node's boot, module loading and building the gateway.
logger.info({ url, startupMs: Math.round(performance.now()) }, "gateway ready");

let shuttingDown = false;
function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "draining");
  // If draining hangs, still exit within the orchestrator's grace period.
  setTimeout(() => {
    logger.error("drain took too long; exiting");
    process.exit(1);
  }, config.shutdownTimeoutMs + 500).unref();
  gateway.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, "drain failed");
      process.exit(1);
    },
  );
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
