// Test configuration: every subgraph on port 0, in-memory PGlite, or a throwaway database on the
// machine's Postgres when the suite runs with DATABASE_URL set.
import { randomBytes } from "node:crypto";
import type { SubgraphName } from "../../platform/topology.ts";
import { databaseUrlFor, parseSubgraphConfig, type SubgraphConfig } from "../../subgraphs/kit/config.ts";
import { dropDatabase } from "../../subgraphs/kit/database.ts";

export const TEST_JWT_SECRET = "tributary-test-secret-0123456789abcdef";

const createdDatabases: string[] = [];

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    LOG_PRETTY: "false",
    JWT_SECRET: TEST_JWT_SECRET,
    ...extra,
  };
}

/** A unique database per subgraph and test file, so parallel suites never share state. */
export function testSubgraphConfig(
  name: SubgraphName,
  brokers: string[],
  extra: Record<string, string> = {},
  serverUrl: string | undefined = process.env.DATABASE_URL,
): SubgraphConfig {
  const config = parseSubgraphConfig(name, testEnv(extra));
  let databaseUrl: string | undefined;
  if (serverUrl) {
    databaseUrl = databaseUrlFor(serverUrl, `t_${name}_${randomBytes(5).toString("hex")}`);
    createdDatabases.push(databaseUrl);
  }
  return { ...config, port: 0, pgliteDir: null, databaseUrl, kafkaBrokers: brokers };
}

export async function dropTestDatabases(): Promise<void> {
  await Promise.all(createdDatabases.splice(0).map((url) => dropDatabase(url).catch(() => {})));
}

export const usingPostgres = () => Boolean(process.env.DATABASE_URL);
