// The README's GraphQL examples are documentation people paste: each must be valid against the API.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { type DocumentNode, Kind, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { readSupergraphConfig } from "../supergraph-config.ts";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const composed = composeServices(
  readSupergraphConfig(join(root, "supergraph.yaml")).map((s) => ({
    name: s.name,
    url: s.url,
    typeDefs: parse(s.sdl),
  })),
);
if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("\n"));
/** What clients see: the composed schema without federation's machinery. */
const api = composed.schema.toAPISchema().toGraphQLJSSchema();

/** Each operation of each ```graphql block, as its own document (blocks hold several anonymous ones). */
function operations(): { name: string; document: DocumentNode }[] {
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return blocks.flatMap((block, i) =>
    parse(block).definitions.map((definition, j) => ({
      name:
        definition.kind === Kind.OPERATION_DEFINITION
          ? (definition.name?.value ?? `block ${i + 1} #${j + 1}`)
          : `block ${i + 1}`,
      document: { kind: Kind.DOCUMENT, definitions: [definition] },
    })),
  );
}

describe("README examples", () => {
  const all = operations();

  it("cover queries, mutations and subscriptions of every domain", () => {
    expect(all.length).toBeGreaterThanOrEqual(20);
    const roots = new Set(
      all.flatMap((o) => o.document.definitions.map((d) => ("operation" in d ? d.operation : ""))),
    );
    expect([...roots].sort()).toEqual(["mutation", "query", "subscription"]);
  });

  it.each(all.map((o) => [o.name, o.document] as const))(
    "%s is valid against the API schema",
    (_, document) => {
      expect(validate(api, document).map((e) => e.message)).toEqual([]);
    },
  );
});
