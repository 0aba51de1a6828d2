import { describe, expect, it } from "vitest";
import { meaningsFromEnvExample, settingsFromSource } from "./config-sources.ts";

const source = `
import { z } from "zod";
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const bool = (fallback: boolean) => z.enum(["true", "false"]).optional().transform((v) => v ?? fallback);
const envSchema = z.object({
  GATEWAY_PORT: int(DEFAULT_GATEWAY_PORT).pipe(z.number().max(65535)),
  MAX_BODY: int(1024 * 1024, 1),
  WATCH: bool(true),
  LEVEL: z.enum(["info", "debug"]).default("info"),
  BROKERS: z.string().default(\`localhost:\${DEFAULT_BROKER_PORT}\`),
  REDIS_URL: z.string().url().optional(),
  NAME: z.string(),
  nested: z.object({ file: z.string() }),
});
`;

describe("config table sources", () => {
  it("reads every variable of a zod schema with the default a reader should see", () => {
    const settings = settingsFromSource(source, {
      DEFAULT_GATEWAY_PORT: "4000",
      DEFAULT_BROKER_PORT: "9092",
    });
    expect(settings).toEqual([
      { name: "GATEWAY_PORT", defaultValue: "4000" },
      { name: "MAX_BODY", defaultValue: "1048576" },
      { name: "WATCH", defaultValue: "true" },
      { name: "LEVEL", defaultValue: "info" },
      { name: "BROKERS", defaultValue: "localhost:9092" },
      { name: "REDIS_URL", defaultValue: "unset" },
      { name: "NAME", defaultValue: "required" },
    ]);
  });

  it("takes each setting's meaning from its .env.example comment, commented-out or not", () => {
    const meanings = meaningsFromEnvExample(
      "# --- ports ---\nGATEWAY_PORT=4000     # the gateway's port\n# REDIS_URL=redis://x:6379   # shared budgets\nPLAIN=1\n",
    );
    expect(Object.fromEntries(meanings)).toEqual({
      GATEWAY_PORT: "the gateway's port",
      REDIS_URL: "shared budgets",
      PLAIN: "",
    });
  });
});
