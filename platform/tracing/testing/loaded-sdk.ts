// Run as its own process: imports the tracing kit, starts tracing (with an endpoint when given one), and prints
// which OpenTelemetry SDK modules got loaded. The SDK packages are CommonJS, so each one lands in require.cache.
import { createRequire } from "node:module";
import { startTracing } from "../index.ts";

const endpoint = process.argv[2];
const tracing = await startTracing({ serviceName: "loaded-sdk", endpoint });
const SDK_PACKAGE = /[\\/]@opentelemetry[\\/](sdk-[\w-]+|exporter-[\w-]+|resources)[\\/]/;
const loaded = new Set(
  Object.keys(createRequire(import.meta.url).cache).flatMap((path) => SDK_PACKAGE.exec(path)?.[1] ?? []),
);
await tracing?.shutdown();
console.log(JSON.stringify([...loaded].sort()));
