import { describe, expect, it } from "vitest";
import { describeMalformedText, malformedInDocument, malformedInRequest } from "./well-formed-text.ts";

describe("finding text that is not valid Unicode", () => {
  it("finds a lone surrogate anywhere in variables, keys included, with its path", () => {
    expect(malformedInRequest({ variables: { input: { tags: ["ok", "x\ud800"] } } })).toEqual({
      path: "variables.input.tags.1",
      codeUnit: "U+D800",
    });
    expect(malformedInRequest({ variables: { "\udc00": 1 } })?.codeUnit).toBe("U+DC00");
    expect(malformedInRequest({ operationName: "A\udbff" })?.path).toBe("operationName");
  });

  it("lets well-formed text through, surrogate pairs (emoji) included", () => {
    expect(
      malformedInRequest({
        query: '{ a(s: "😀 \\uD83D\\uDE00 \\u{1F600} \\u00e9") }',
        variables: { s: "😀" },
      }),
    ).toBeNull();
  });

  it("finds lone surrogate escapes in string literals, raw or escaped, with the location", () => {
    const found = malformedInDocument('mutation {\n  publishPost(message: "hi \\ud800 there") { id } }');
    expect(found).toEqual({ path: "query", codeUnit: "U+D800", location: { line: 2, column: 28 } });
    expect(malformedInDocument('{ a(s: "\\uDE00") }')?.codeUnit).toBe("U+DE00");
    expect(malformedInDocument('{ a(s: "\\uD83D\\u0041") }')?.codeUnit).toBe("U+D83D");
    expect(malformedInDocument('{ a(s: "\\u{D800}") }')?.codeUnit).toBe("U+D800");
    expect(malformedInDocument('{ a(s: "x\ud800") }')?.location).toEqual({ line: 1, column: 10 });
    expect(describeMalformedText(malformedInDocument('{ a(s: "\\ud800") }')!)).toBe(
      "The document (line 1, column 9) holds a lone UTF-16 surrogate (U+D800): text must be valid Unicode.",
    );
  });

  it("ignores escapes where GraphQL has none: comments and block strings", () => {
    expect(malformedInDocument('# "\\ud800"\n{ a(s: """\\ud800""") }')).toBeNull();
    expect(malformedInDocument('{ a(s: "\\\\ud800") }')).toBeNull();
  });
});
