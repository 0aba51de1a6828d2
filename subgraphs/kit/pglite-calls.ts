// The PGlite entry points drizzle's driver calls, as one shape: each layer the kit adds (turns, parsers,
// in-flight counts) takes them (the instance itself is one) and hands on wrapped ones, and the client drizzle
// gets is the instance seen through the last layer. The instance's own methods are never replaced.
import type { PGlite } from "@electric-sql/pglite";
import { withOverrides } from "./facade.ts";

export type PgliteCalls = Pick<PGlite, "query" | "exec" | "transaction">;

/** `client` with its entry points answered by `calls`; everything else is the instance's. */
export function clientWith(client: PGlite, calls: PgliteCalls): PGlite {
  return withOverrides(client, calls);
}
