import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GATEWAY_NODE_FLAGS } from "./node-flags.ts";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const GROW_AND_PRINT_NEW_SPACE = `
  const kept = [];
  for (let i = 0; i < 3e6; i++) kept.push({ i });
  const space = require("node:v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  process.stdout.write(String(space.space_size));
`;
const jsonArgs = GATEWAY_NODE_FLAGS.map((flag) => JSON.stringify(flag)).join(", ");

describe("the gateway's Node flags", () => {
  it("are ones this Node accepts, and give V8 a larger young generation: two 64 MB semi-spaces", () => {
    // Enough short-lived objects for V8 to grow the young generation to its maximum: two semi-spaces.
    const youngGenerationBytes = (flags: readonly string[]) =>
      Number(
        execFileSync(process.execPath, [...flags, "-e", GROW_AND_PRINT_NEW_SPACE], { encoding: "utf8" }),
      );
    const byDefault = youngGenerationBytes([]);
    const withFlags = youngGenerationBytes(GATEWAY_NODE_FLAGS);
    expect(withFlags).toBe(2 * 64 * 2 ** 20);
    expect(withFlags).toBeGreaterThan(byDefault);
  });

  it("are passed by `npm run gateway`", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.gateway).toBe(`node ${GATEWAY_NODE_FLAGS.join(" ")} --import tsx gateway/index.ts`);
  });

  it("are passed by the image's default command and by the compose file's gateway", () => {
    expect(read("Dockerfile")).toContain(`CMD ["node", ${jsonArgs}, "--import", "tsx", "gateway/index.ts"]`);
    expect(read("docker-compose.yml")).toContain(
      `command: ["node", ${jsonArgs}, "--import", "tsx", "gateway/index.ts"]`,
    );
  });
});
