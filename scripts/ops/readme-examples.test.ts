// The README's GraphQL examples are documentation people paste: each must be valid against the API.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Supergraph } from "@apollo/federation-internals";
import { type DocumentNode, Kind, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const api = Supergraph.build(readFileSync(join(root, "schemas/supergraph.graphql"), "utf8"))
  .apiSchema()
  .toGraphQLJSSchema();

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
