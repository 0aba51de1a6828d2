// The explorer's fetcher reads the operations from the query text with a small scanner, not graphql's parser
// (the page has none of its own): for any document graphql-js parses, generated with the comments, strings,
// block strings, brackets and keyword-like names that could mislead a scanner, it finds the same operations.
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { EXPLORER_FETCHER_SOURCE } from "./fetcher-script.ts";

interface Operation {
  type: string;
  name: string | null;
}
interface Request {
  subscription: boolean;
  params: { query: string; operationName?: string };
}
interface Explorer {
  operationsIn(text: string): Operation[];
  requestFor(params: { query: string; operationName?: string | null }): Request;
}

function loadExplorer(): Explorer {
  const window: { TributaryExplorer?: Explorer } = {};
  runInNewContext(EXPLORER_FETCHER_SOURCE, { window });
  return window.TributaryExplorer!;
}
const { operationsIn, requestFor } = loadExplorer();

const nameOf = fc.oneof(
  fc.constantFrom("query", "mutation", "subscription", "fragment", "on", "Products", "Stock", "_x1"),
  fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,6}$/),
);
const comment = fc
  .array(fc.constantFrom("a", " ", "{", "}", '"', "#", "query", "subscription X {", "\\"), { maxLength: 5 })
  .map((parts) => `# ${parts.join("")}\n`);
const gap = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(" ", "\n", ", ", "\t") }, comment);
const stringValue = fc
  .array(
    fc.constantFrom("a", " ", "{", "}", "(", ")", "[", "#", "query Q {", '\\"', "\\\\", "\\n", "\\u0041"),
    {
      maxLength: 6,
    },
  )
  .map((parts) => `"${parts.join("")}"`);
const blockStringValue = fc
  .array(fc.constantFrom("a", "\n", "{", "}", '"a', '\\"""', "# not a comment", "subscription S {"), {
    maxLength: 6,
  })
  .map((parts) => `"""${parts.join("")}"""`);
const value = fc.oneof(
  stringValue,
  blockStringValue,
  fc.constantFrom("1", "true", "null", "ENUM", "[1, 2]", '{ a: "}" }', "$v"),
);
const argumentsOf = fc.option(
  fc
    .array(fc.tuple(nameOf, value), { minLength: 1, maxLength: 2 })
    .map((args) => `(${args.map(([name, v]) => `${name}: ${v}`).join(", ")})`),
  { nil: "" },
);
const directives = fc.option(
  argumentsOf.map((args) => ` @include${args ? "(if: true)" : ""}`),
  { nil: "" },
);

/** A selection set nested at most `depth` levels below this one. */
function selectionSetOf(depth: number): fc.Arbitrary<string> {
  const sub = depth === 0 ? fc.constant("") : fc.option(selectionSetOf(depth - 1), { nil: "" });
  const field = fc
    .tuple(fc.option(nameOf, { nil: undefined }), nameOf, argumentsOf, directives, gap, sub)
    .map(
      ([alias, name, args, dirs, space, body]) =>
        `${alias ? `${alias}: ` : ""}${name}${args}${dirs}${space}${body}`,
    );
  const selections =
    depth === 0
      ? [field, fc.constant("...F")]
      : [field, fc.constant("...F"), selectionSetOf(depth - 1).map((body) => `... on T ${body}`)];
  return fc
    .tuple(fc.array(fc.oneof(...selections), { minLength: 1, maxLength: 3 }), gap)
    .map(([items, space]) => `{${space}${items.join(" ")} }`);
}
const selectionSet = selectionSetOf(2);

const variables = fc.option(
  fc.constantFrom("($v: Int = 1)", '($v: String = "{")', "($v: [ID!]! @d)", '($v: In = { a: "}" })'),
  { nil: "" },
);
const operation = fc.oneof(
  fc
    .tuple(fc.constantFrom("query", "mutation", "subscription"), fc.option(nameOf, { nil: null }), variables)
    .chain(([type, name, vars]) =>
      fc.tuple(directives, gap, selectionSet).map(([dirs, space, body]) => ({
        text: `${type}${name === null ? "" : ` ${name}`}${vars}${dirs}${space}${body}`,
        operation: { type, name } as Operation,
      })),
    ),
  selectionSet.map((body) => ({ text: body, operation: { type: "query", name: null } as Operation })),
);
const fragment = fc
  .tuple(
    nameOf.filter((name) => name !== "on"),
    directives,
    selectionSet,
  )
  .map(([name, dirs, body]) => ({ text: `fragment ${name} on T${dirs} ${body}`, operation: undefined }));

const document = fc
  .array(fc.oneof({ weight: 3, arbitrary: operation }, fragment), { minLength: 1, maxLength: 4 })
  .chain((definitions) =>
    fc.array(gap, { minLength: definitions.length + 1, maxLength: definitions.length + 1 }).map((gaps) => ({
      text: gaps.map((space, i) => `${space}${definitions[i]?.text ?? ""}`).join(""),
      operations: definitions.flatMap((d) => (d.operation ? [d.operation] : [])),
    })),
  );

/** graphql-js's reading of the same text. */
function parsedOperations(text: string): Operation[] {
  return parse(text).definitions.flatMap((d) =>
    d.kind === "OperationDefinition" ? [{ type: d.operation, name: d.name?.value ?? null }] : [],
  );
}

describe("the explorer's operation scanner", () => {
  it("finds the operations graphql-js finds, in every generated document", () => {
    fc.assert(
      fc.property(document, ({ text, operations }) => {
        expect(parsedOperations(text)).toEqual(operations);
        expect(operationsIn(text)).toEqual(operations);
      }),
      { numRuns: 500 },
    );
  });

  it("runs a one-operation document whatever stale name GraphiQL sends, over WebSocket when a subscription", () => {
    fc.assert(
      fc.property(operation, nameOf, ({ text, operation }, stale) => {
        const request = requestFor({ query: text, operationName: stale });
        expect(request.subscription).toBe(operation.type === "subscription");
        expect(request.params.operationName).toBe(operation.name ?? undefined);
      }),
      { numRuns: 300 },
    );
  });

  it("leaves the choice to the gateway when several operations define no such name", () => {
    const text = "query A { a } subscription B { b }";
    expect(requestFor({ query: text, operationName: "B" })).toMatchObject({
      subscription: true,
      params: { operationName: "B" },
    });
    expect(requestFor({ query: text, operationName: "Products" })).toMatchObject({
      subscription: false,
      params: { operationName: "Products" },
    });
    expect(requestFor({ query: text, operationName: null })).toMatchObject({ subscription: false });
  });

  it("reads the pre-filled Stock tab as the subscription it is, after the Products tab's name", () => {
    const stock =
      "# over graphql-ws. Change a\n# product's stock\nsubscription Stock {\n  stockChanged { id }\n}\n";
    expect(requestFor({ query: stock, operationName: "Products" })).toMatchObject({
      subscription: true,
      params: { operationName: "Stock" },
    });
  });
});
