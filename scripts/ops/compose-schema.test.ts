import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { composeSchemaProblems } from "./compose-schema.ts";

const root = join(import.meta.dirname, "..", "..");
const ours = readFileSync(join(root, "docker-compose.yml"), "utf8");

describe("docker-compose.yml against the Compose Specification schema", () => {
  it("accepts the project's file exactly as committed, top-level name included", () => {
    expect(ours).toMatch(/^name: /m);
    expect(composeSchemaProblems(ours)).toEqual([]);
  });

  it("names what a Compose v2 parser would refuse", () => {
    expect(composeSchemaProblems(`${ours}\nnonsense: true\n`)).toEqual([
      "(top level): must NOT have additional properties (nonsense)",
    ]);
    const badPorts = "services:\n  web:\n    image: nginx\n    ports: 80\n";
    expect(composeSchemaProblems(badPorts).join("\n")).toMatch(/\/services\/web\/ports: must be array/);
    const badKey = "services:\n  web:\n    image: nginx\n    restart_policy: always\n";
    expect(composeSchemaProblems(badKey)).toContain(
      "/services/web: must NOT have additional properties (restart_policy)",
    );
    expect(composeSchemaProblems("services: [")[0]).toMatch(/^not YAML/);
  });
});
