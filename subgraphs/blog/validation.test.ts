import { describe, expect, it } from "vitest";
import { validNewArticle, validPatch } from "./validation.ts";

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { code?: string; field?: string } }).extensions;
  }
  throw new Error("expected a validation error");
};

const valid = { title: " Hello ", content: "Body", category: "news", tags: [" Rust", "rust ", "GO"] };

describe("article input", () => {
  it("trims text and normalises tags to distinct lowercase words", () => {
    expect(validNewArticle(valid)).toEqual({
      title: "Hello",
      content: "Body",
      category: "news",
      tags: ["rust", "go"],
    });
    expect(validNewArticle({ ...valid, tags: null }).tags).toEqual([]);
  });

  it("names the field that breaks a limit", () => {
    const bad = (override: Partial<typeof valid>) =>
      fieldOf(() => validNewArticle({ ...valid, ...override }));
    expect(bad({ title: "  " })).toEqual({ code: "BAD_USER_INPUT", field: "title" });
    expect(bad({ title: "x".repeat(201) })).toMatchObject({ field: "title" });
    expect(bad({ content: "x".repeat(100_001) })).toMatchObject({ field: "content" });
    expect(bad({ category: "x".repeat(51) })).toMatchObject({ field: "category" });
    expect(bad({ tags: [""] })).toMatchObject({ field: "tags" });
    expect(bad({ tags: ["x".repeat(31)] })).toMatchObject({ field: "tags" });
    expect(bad({ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) })).toMatchObject({ field: "tags" });
    // Eleven spellings of ten tags are ten tags.
    expect(
      validNewArticle({ ...valid, tags: [...Array.from({ length: 10 }, (_, i) => `t${i}`), "T0"] }).tags,
    ).toHaveLength(10);
  });

  it("patches only what is given, lets tags be cleared, and refuses an empty patch", () => {
    expect(validPatch({ title: "New", content: null })).toEqual({ title: "New" });
    expect(validPatch({ tags: [] })).toEqual({ tags: [] });
    expect(fieldOf(() => validPatch({}))).toMatchObject({ field: "input" });
    expect(fieldOf(() => validPatch({ category: "" }))).toMatchObject({ field: "category" });
  });
});
