import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { banner } from "./banner.ts";
import { humanError, outputMode, startOutput } from "./output.ts";

const dataDir = mkdtempSync(join(tmpdir(), "tributary-start-output-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm start's output", () => {
  it("is human on a terminal, JSON in a pipe or when LOG_FORMAT=json", () => {
    expect(outputMode({}, true)).toBe("human");
    expect(outputMode({}, false)).toBe("json");
    expect(outputMode({}, undefined)).toBe("json");
    expect(outputMode({ LOG_FORMAT: "json" }, true)).toBe("json");
  });

  it("turns a part's error-level JSON line into one human line, and leaves quieter lines alone", () => {
    expect(
      humanError("catalog", JSON.stringify({ level: 50, msg: "relay failed", err: { message: "boom" } })),
    ).toBe("✖ catalog: relay failed: boom");
    expect(humanError("catalog", JSON.stringify({ level: 40, msg: "slow" }))).toBeNull();
    expect(
      humanError("catalog", JSON.stringify({ level: 30, msg: "Failed to connect to seed broker" })),
    ).toBeNull();
    expect(humanError("catalog", "    at Object.<anonymous> (file.js:1:1)")).toBeNull();
  });

  it("keeps every line of a part in its log file and shows the terminal only its errors", async () => {
    const shown: string[] = [];
    const output = startOutput("human", dataDir, (s) => {
      shown.push(s);
      return true;
    });
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    output.capture?.("orders", stdout, stderr);
    stdout.write(`${JSON.stringify({ level: 30, msg: "listening" })}\n`);
    stdout.write(`${JSON.stringify({ level: 50, msg: "database gone" })}\n`);
    stderr.write("a stack trace line\n");
    await new Promise((r) => setTimeout(r, 50));
    output.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(shown).toEqual([`✖ orders: database gone  (${join(dataDir, "logs", "orders.log")})\n`]);
    const file = readFileSync(join(dataDir, "logs", "orders.log"), "utf8");
    expect(file).toContain("listening");
    expect(file).toContain("a stack trace line");
  });

  it("writes its own lines as JSON in JSON mode", () => {
    const lines: string[] = [];
    startOutput("json", dataDir, (s) => {
      lines.push(s);
      return true;
    }).say("part ready", { part: "feed" });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 30,
      name: "start",
      msg: "part ready",
      part: "feed",
    });
  });
});

describe("the banner", () => {
  const base = {
    gatewayUrl: "http://localhost:4000",
    subgraphs: [{ part: "catalog", url: "http://localhost:4002/graphql" }],
    kafka: "127.0.0.1:9092",
  };

  it("names Sandbox and the offline explorer in development, and the demo accounts once seeded", () => {
    const text = banner(
      {
        ...base,
        developerTools: true,
        accounts: {
          admin: { email: "admin@x", password: "pw" },
          users: ["ada@example.com"],
          password: "demo",
        },
      },
      [],
    );
    expect(text).toContain("GraphQL + Sandbox");
    expect(text).toContain("http://localhost:4000/graphiql");
    expect(text).toMatch(/admin\s+admin@x\s+pw/);
    expect(text).toMatch(/user\s+ada@example.com\s+demo/);
  });

  it("mentions no Sandbox or explorer in production, nor a password it does not know", () => {
    const text = banner(
      {
        ...base,
        developerTools: false,
        accounts: { admin: { email: "admin@x" }, users: [], password: "demo" },
      },
      [],
    );
    expect(text).not.toMatch(/Sandbox|graphiql|Explorer/);
    expect(text).toContain("GraphQL ");
    expect(text).toContain("(password: ADMIN_PASSWORD)");
  });
});
