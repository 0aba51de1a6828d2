// docker-compose.yml against the Compose Specification's JSON schema (Compose v2's format), read as it is.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";

// dclint ships a maintained copy of the compose-spec schema (the one `docker compose config` enforces).
const require = createRequire(import.meta.url);
const SCHEMA_PATH = join(dirname(require.resolve("dclint/package.json")), "schemas", "compose.schema.json");

let validate: ReturnType<Ajv["compile"]> | undefined;

/** Every place the file breaks the schema, as `path: message`; empty when it is a valid Compose file. */
export function composeSchemaProblems(text: string): string[] {
  let document: unknown;
  try {
    // Merge keys (`<<: *app`) are Compose's own YAML feature: resolved as Compose resolves them.
    document = parse(text, { merge: true });
  } catch (error) {
    return [`not YAML: ${(error as Error).message}`];
  }
  // The schema names draft-07 by an https URL ajv has not registered and carries annotation keywords (`id`)
  // strict mode refuses: those only describe the schema itself, documents are still checked in full.
  validate ??= new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(
    JSON.parse(readFileSync(SCHEMA_PATH, "utf8")),
  );
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => {
    const extra = error.params as { additionalProperty?: string };
    const where = error.instancePath || "(top level)";
    return `${where}: ${error.message}${extra.additionalProperty ? ` (${extra.additionalProperty})` : ""}`;
  });
}
