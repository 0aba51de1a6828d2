// Configuration pieces shared by the gateway and the subgraphs, parsed with zod at each entry point.
import { z } from "zod";
import type { TokenSettings } from "./auth/tokens.ts";

export type Env = Record<string, string | undefined>;

export const DEV_JWT_SECRET = "tributary-dev-secret-change-me-0123456789";
export const DEV_ADMIN_PASSWORD = "admin-password-change-me";

export const nodeEnvSchema = z.enum(["development", "production", "test"]).default("development");

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const optionalBoolean = (fallback: boolean) => booleanish.optional().transform((v) => v ?? fallback);

const tokenEnvSchema = z.object({
  JWT_ALGORITHM: z.enum(["HS256", "RS256"]).default("HS256"),
  JWT_SECRET: z.string().default(DEV_JWT_SECRET),
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ISSUER: z.string().default("tributary"),
  JWT_AUDIENCE: z.string().default("tributary"),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
});

/** Token settings from the environment; under production a default or short secret is refused. */
export function parseTokenSettings(env: Env, nodeEnv: string): TokenSettings {
  const t = tokenEnvSchema.parse(env);
  // PEM keys usually arrive through env files with escaped newlines.
  const pem = (value?: string) => value?.replace(/\\n/g, "\n");
  const settings: TokenSettings = {
    algorithm: t.JWT_ALGORITHM,
    secret: t.JWT_SECRET,
    privateKey: pem(t.JWT_PRIVATE_KEY),
    publicKey: pem(t.JWT_PUBLIC_KEY),
    issuer: t.JWT_ISSUER,
    audience: t.JWT_AUDIENCE,
    accessTokenTtlSeconds: t.JWT_ACCESS_TTL_SECONDS,
    clockToleranceSeconds: t.JWT_CLOCK_TOLERANCE_SECONDS,
  };
  if (settings.algorithm === "RS256" && !settings.publicKey) {
    throw new Error(
      "JWT_ALGORITHM=RS256 needs JWT_PUBLIC_KEY (and JWT_PRIVATE_KEY for the accounts subgraph).",
    );
  }
  if (nodeEnv === "production" && settings.algorithm === "HS256") {
    if (t.JWT_SECRET === DEV_JWT_SECRET) {
      throw new Error(
        "Refusing to start: JWT_SECRET is the development default. Set a random secret of 32+ characters.",
      );
    }
    if (t.JWT_SECRET.length < 32) {
      throw new Error("Refusing to start: JWT_SECRET is shorter than 32 characters; anyone could guess it.");
    }
  }
  return settings;
}

/** Turns a zod failure into one readable line per bad variable. */
export function describeConfigError(error: unknown): string {
  if (error instanceof z.ZodError) {
    return error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}
