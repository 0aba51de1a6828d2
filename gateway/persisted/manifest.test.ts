import { describe, expect, it } from "vitest";
import { PersistedDocuments } from "./documents.ts";
import { parseManifest, sha256 } from "./manifest.ts";

const body = "query Me { me { id } }";
const valid = {
  format: "apollo-persisted-query-manifest",
  version: 1,
  operations: [{ id: sha256(body), name: "Me", type: "query", body }],
};
const parse = (manifest: unknown) => parseManifest(JSON.stringify(manifest), "m.json");

describe("persisted query manifest", () => {
  it("reads the generator's format", () => {
    expect(parse(valid).get(sha256(body))).toMatchObject({ name: "Me", type: "query", body });
  });

  it("refuses at start, naming the problem", () => {
    expect(() => parseManifest("{", "m.json")).toThrow(
      /m.json is not a usable persisted query manifest: not JSON/,
    );
    expect(() => parse({ ...valid, format: "other" })).toThrow(/"format"/);
    expect(() => parse({ ...valid, version: 2 })).toThrow(/"version" is 2/);
    expect(() => parse({ ...valid, operations: [] })).toThrow(/lists no operation/);
    const wrongId = { ...valid, operations: [{ ...valid.operations[0], id: "abc" }] };
    expect(() => parse(wrongId)).toThrow(/operations\[0\]\.id is not the SHA-256 of its body/);
    const wrongType = { ...valid, operations: [{ ...valid.operations[0], type: "fragment" }] };
    expect(() => parse(wrongType)).toThrow(/operations\[0\]\.type/);
  });

  it("resolves hashes and refuses the unlisted in only-mode, for the streaming transports", () => {
    const only = new PersistedDocuments(parse(valid), true);
    const hash = (h: unknown) => ({ persistedQuery: { version: 1, sha256Hash: h } });
    expect(only.resolve({ query: "", extensions: hash(sha256(body)) })).toBe(body);
    expect(only.resolve({ query: body })).toBe(body);
    expect(only.resolve({ query: "{ me { id } }" })).toMatchObject({ code: "PERSISTED_QUERY_NOT_IN_LIST" });
    expect(only.resolve({ query: "", extensions: hash(42) })).toMatchObject({
      code: "PERSISTED_QUERY_NOT_IN_LIST",
    });
    expect(only.resolve({ query: "{ x }", extensions: hash(sha256(body)) })).toMatchObject({
      code: "BAD_USER_INPUT",
    });
    const open = new PersistedDocuments(parse(valid), false);
    expect(open.resolve({ query: "", extensions: hash(sha256("{ x }")) })).toMatchObject({
      code: "PERSISTED_QUERY_NOT_FOUND",
    });
    expect(open.resolve({ query: "{ x }" })).toBe("{ x }");
  });
});
