// A subgraph's migrated database for repository tests: in-memory PGlite, or real Postgres under DATABASE_URL.

import { type Database, openDatabase } from "../../subgraphs/kit/database.ts";
import type { AnySubgraphModule } from "../../subgraphs/kit/module.ts";
import { dropTestDatabases, testSubgraphConfig } from "./config.ts";

export async function openTestDatabase(
  module: AnySubgraphModule,
): Promise<Database & { dispose(): Promise<void> }> {
  const config = testSubgraphConfig(module.name, []);
  const database = await openDatabase({
    url: config.databaseUrl,
    pgliteDir: null,
    migrationsFolder: module.migrationsFolder,
  });
  return {
    ...database,
    async dispose() {
      await database.close();
      await dropTestDatabases();
    },
  };
}
