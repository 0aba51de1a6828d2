import { buildSchema, graphql } from "graphql";
import { describe, expect, it } from "vitest";
import { pathOfNulByte, refuseNulBytes, text } from "./validation.ts";

describe("pathOfNulByte", () => {
  it("finds a NUL character at any depth and names where it is", () => {
    expect(pathOfNulByte("a\u0000b", "search")).toBe("search");
    expect(pathOfNulByte({ name: "ok", tags: ["x", "y\u0000"] }, "input")).toBe("input.tags.1");
    expect(pathOfNulByte([{ __typename: "Product", id: "\u0000" }], "representations")).toBe(
      "representations.0.id",
    );
  });

  it("lets every other value through, hostile or not", () => {
    for (const value of ["' OR 1=1 --", "\ud800", "😀", "", 0, null, undefined, true, [], {}, { a: ["b"] }]) {
      expect(pathOfNulByte(value, "x")).toBeNull();
    }
  });
});

describe("refuseNulBytes", () => {
  const schema = buildSchema(`
    input Draft { title: String!, tags: [String!] }
    type Query { echo(text: String): String, count: Int }
    type Mutation { save(draft: Draft!): String }
  `);
  const rootValue = {
    echo: ({ text: value }: { text: string }) => text(value, "text"),
    count: () => 1,
    save: ({ draft }: { draft: { title: string } }) => draft.title,
  };
  refuseNulBytes(schema);

  it("refuses a NUL in a variable as BAD_USER_INPUT before the resolver runs", async () => {
    const result = await graphql({
      schema,
      rootValue,
      source: "query($t: String) { echo(text: $t) }",
      variableValues: { t: "a\u0000b" },
    });
    expect(result.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "text" });
  });

  it("refuses a NUL in a literal nested inside an input object", async () => {
    const result = await graphql({
      schema,
      rootValue,
      source: 'mutation { save(draft: { title: "ok", tags: ["fine", "bad\\u0000"] }) }',
    });
    expect(result.errors?.[0]?.message).toBe("draft.tags.1 must not contain a NUL character (U+0000).");
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("leaves ordinary text and fields without arguments alone", async () => {
    const result = await graphql({ schema, rootValue, source: '{ echo(text: " hi ") count }' });
    expect(result).toEqual({ data: { echo: "hi", count: 1 } });
  });
});
