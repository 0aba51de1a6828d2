// Fragments that spread each other twice per level: 2^24 expanded fields from a 1 kB document.
import { fileURLToPath } from "node:url";
import { buildSchema, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { ask, median, TRANSPORTS } from "../../test/support/transports.ts";
import { measureOperation } from "./measure.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));

/** `fragment F0 on Query { __typename ...F1 ...F1 } fragment F1 on Query { ...F2 ...F2 } ... F<levels>`. */
function fragmentBomb(levels: number): string {
  const fragments = Array.from(
    { length: levels },
    (_, i) => `fragment F${i} on Query { ${i === 0 ? "__typename " : ""}...F${i + 1} ...F${i + 1} }`,
  );
  return [`query Bomb { ...F0 }`, ...fragments, `fragment F${levels} on Query { __typename }`].join("\n");
}

const TRIVIAL = { query: "{ __typename }" };

function parts(source: string) {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  ) as OperationDefinitionNode;
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  return { operation, fragments };
}

describe("measuring an operation", () => {
  const schema = buildSchema("type Query { a: Int, items(first: Int): [Item] } type Item { id: ID }");

  it("counts each spread of a fragment bomb from memoized totals, without expanding it", () => {
    const { operation, fragments } = parts(fragmentBomb(40));
    const started = performance.now();
    const measured = measureOperation(schema, operation, fragments, {}, { defaultListSize: 10 });
    // F40 has one field and each level doubles it; F0 adds its own __typename: 2^40 + 1.
    expect(measured.fields).toBe(2 ** 40 + 1);
    expect(measured.depth).toBe(0);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("stops at the first total past its ceiling", () => {
    const { operation, fragments } = parts(fragmentBomb(24));
    const measured = measureOperation(
      schema,
      operation,
      fragments,
      {},
      {
        defaultListSize: 10,
        ceilings: { fields: 100 },
      },
    );
    expect(measured.stoppedAt).toBe("fields");
    expect(measured.fields).toBeGreaterThan(100);
  });

  it("keeps multiplicity for aliases, cost and root fields, as if the fragments were written out", () => {
    const { operation, fragments } = parts(
      "{ ...A ...A } fragment A on Query { x: a ...B ...B } fragment B on Query { items(first: 3) { id } }",
    );
    const measured = measureOperation(schema, operation, fragments, {}, { defaultListSize: 10 });
    // Written out: 2 × (x: a, items, items) at the root; each items costs 3 × (1 + 1).
    expect(measured).toMatchObject({ aliases: 2, rootFields: 6, depth: 2, cost: 2 * (1 + 2 * 6) });
    expect(measured.fields).toBe(2 * (1 + 2 * 2));
  });

  it("ends on fragment cycles, which validation would refuse had it run first", () => {
    const { operation, fragments } = parts(
      "{ ...A } fragment A on Query { a ...B } fragment B on Query { a ...A ...B }",
    );
    const measured = measureOperation(schema, operation, fragments, {}, { defaultListSize: 10 });
    expect(measured.fields).toBe(2);
  });

  it("counts a bomb hidden inside introspection towards the expanded fields", () => {
    const { operation, fragments } = parts(
      `{ __schema { types { ...T0 } } } ${Array.from({ length: 30 }, (_, i) => `fragment T${i} on __Type { name ...T${i + 1} ...T${i + 1} }`).join(" ")} fragment T30 on __Type { name }`,
    );
    const measured = measureOperation(schema, operation, fragments, {}, { defaultListSize: 10 });
    expect(measured.fields).toBeGreaterThan(2 ** 30);
    expect(measured).toMatchObject({ depth: 0, cost: 0, aliases: 0 });
  });
});

describe("a fragment bomb at the gateway", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Default limits: the bomb must be refused by the expanded-fields limit as shipped.
    gw = await startTestGateway({ SUPERGRAPH_PATH: SUPERGRAPH, SUPERGRAPH_WATCH: "false" });
  });
  afterAll(() => gw?.stop());

  for (const transport of TRANSPORTS) {
    it(`is refused over ${transport} about as fast as a trivial query, and the next query is not held up`, async () => {
      const bomb = { query: fragmentBomb(24) };
      expect(Buffer.byteLength(bomb.query)).toBeLessThan(1_100);
      // Warm both paths (connection set-up, JIT) before timing either.
      await ask(gw, transport, TRIVIAL);
      await ask(gw, transport, bomb);
      const trivial: number[] = [];
      const refused: number[] = [];
      for (let i = 0; i < 5; i++) {
        trivial.push((await ask(gw, transport, TRIVIAL)).ms);
        const answer = await ask(gw, transport, bomb);
        expect(answer).toMatchObject({ code: "OPERATION_TOO_LARGE" });
        expect(answer.message).toMatch(/number of fields with fragments expanded is \d+; the limit is 2000/);
        refused.push(answer.ms);
      }
      // A ratio, not milliseconds: the machine's speed and load cancel out. Expanding 2^24 spreads takes
      // minutes; measuring from memoized totals costs less than a round trip.
      // Medians of five: one request can stall for tens of ms on a machine shared with other suites.
      expect(median(refused)).toBeLessThan(median(trivial) * 20);
      // Sent together: the plain query must not wait behind the bomb's measuring.
      const after: number[] = [];
      for (let i = 0; i < 5; i++) {
        const [, plain] = await Promise.all([ask(gw, transport, bomb), ask(gw, transport, TRIVIAL)]);
        expect(plain.data).toEqual({ __typename: "Query" });
        after.push(plain.ms);
      }
      expect(median(after)).toBeLessThan(median(trivial) * 20);
    });
  }

  for (const transport of TRANSPORTS) {
    it(`measures before validation over ${transport}: a document graphql-js would spend its validation budget on`, async () => {
      // 800 fields under one response key with different arguments: field merging compares every pair.
      const pairs = {
        query: `{ ${Array.from({ length: 800 }, (_, i) => `a: product(id: "${i}") { id }`).join(" ")} }`,
      };
      // Validation would answer GRAPHQL_VALIDATION_FAILED ("Validation aborted.") after spending its budget.
      expect(await ask(gw, transport, pairs)).toMatchObject({ code: "TOO_MANY_ROOT_FIELDS" });
      // Identical fields validate, but 5,001 of them are past the expanded-fields limit all the same.
      const repeated = await ask(gw, transport, { query: `{ me { ${"id ".repeat(5000)} } }` });
      expect(repeated).toMatchObject({ code: "OPERATION_TOO_LARGE" });
    });
  }

  it("refuses a fragment cycle over graphql-ws with validation's answer instead of looping", async () => {
    const cycle = { query: "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }" };
    const answer = await ask(gw, "graphql-ws", cycle);
    expect(answer.message).toMatch(/Cannot spread fragment "A" within itself/);
  });
});
