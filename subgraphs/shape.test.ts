// Every subgraph keeps the shape subgraphs/README.md describes: the same files with the same jobs.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SUBGRAPH_NAMES } from "../platform/topology.ts";
import { generatedPath, generateResolverTypes } from "../scripts/codegen.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === "generated" ? [] : sourceFiles(path);
    return entry.endsWith(".ts") && !entry.endsWith(".test.ts") ? [path] : [];
  });
}

describe.each(SUBGRAPH_NAMES)("subgraph %s", (name) => {
  const dir = join(root, "subgraphs", name);

  it("has the files every subgraph has", () => {
    const required = ["server.ts", "validation.ts", "loaders.ts", "repositories/index.ts", "db/schema.ts"];
    for (const file of required) expect(existsSync(join(dir, file)), `${name}/${file}`).toBe(true);
    const resolvers = existsSync(join(dir, "resolvers.ts")) || existsSync(join(dir, "resolvers/index.ts"));
    expect(resolvers, `${name}/resolvers.ts or resolvers/index.ts`).toBe(true);
  });

  // A flow over two aggregates may open the unit of work (accounts' sign-up: user and session in one
  // transaction) and hand its `publish` to a repository; only repositories write the events themselves.
  it("writes outgoing events only from its repositories", () => {
    const publishers = sourceFiles(dir)
      .filter((file) => /\bpublish\(\{|publisherFor\(/.test(readFileSync(file, "utf8")))
      .map((file) => relative(dir, file));
    expect(publishers.filter((file) => !file.startsWith("repositories/"))).toEqual([]);
  });

  it("types its resolvers with the Resolvers generated from its SDL, and the generated file is current", async () => {
    const resolvers = existsSync(join(dir, "resolvers.ts"))
      ? join(dir, "resolvers.ts")
      : join(dir, "resolvers/index.ts");
    expect(readFileSync(resolvers, "utf8")).toMatch(/Resolvers<Context>/);
    const committed = readFileSync(join(root, generatedPath(name)), "utf8");
    expect(committed).toBe(await generateResolverTypes(name));
  });
});
