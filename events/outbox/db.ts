// The database type the event kit accepts: any drizzle Postgres database or transaction (PGlite or postgres.js).
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

// biome-ignore lint/suspicious/noExplicitAny: the schema parameter differs per subgraph; the kit only uses its own tables.
export type Db = PgDatabase<PgQueryResultHKT, any>;
