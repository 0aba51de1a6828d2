import { describe, expect, it } from "vitest";
import {
  dependenciesCheck,
  endpointOf,
  nodeCheck,
  portCheck,
  satisfiesMinimum,
  serviceCheck,
  summarize,
  toolCheck,
} from "./doctor-checks.ts";

describe("doctor's checks", () => {
  it("compares Node versions against a >= engines range component by component", () => {
    expect(satisfiesMinimum("v20.11.0", ">=20.11")).toBe(true);
    expect(satisfiesMinimum("v20.20.2", ">=20.11")).toBe(true);
    expect(satisfiesMinimum("v22.0.0", ">=20.11")).toBe(true);
    expect(satisfiesMinimum("v20.10.9", ">=20.11")).toBe(false);
    expect(satisfiesMinimum("v18.19.0", ">=20.11")).toBe(false);
    expect(satisfiesMinimum("v20.9.0", ">= 20.11.0")).toBe(false);
    expect(satisfiesMinimum("v20.11.0", "^20")).toBe(false);
  });

  it("fails an old Node with a fix that names the version to install", () => {
    const check = nodeCheck("v18.19.0", ">=20.11");
    expect(check).toMatchObject({ ok: false, required: true });
    expect(check.fix).toContain("20.11");
    expect(nodeCheck("v22.1.0", ">=20.11").fix).toBeUndefined();
  });

  it("finds host and port in database, Redis and broker addresses", () => {
    expect(endpointOf("postgres://postgres@127.0.0.1:5432")).toEqual({ host: "127.0.0.1", port: 5432 });
    expect(endpointOf("postgres://db.internal/app")).toEqual({ host: "db.internal", port: 5432 });
    expect(endpointOf("redis://cache")).toEqual({ host: "cache", port: 6379 });
    expect(endpointOf("kafka-1:9092")).toEqual({ host: "kafka-1", port: 9092 });
    expect(endpointOf("http://nowhere")).toBeNull();
    expect(endpointOf("no-port")).toBeNull();
  });

  it("exits 1 when a required check fails and says how to fix it", () => {
    const { lines, exitCode } = summarize([
      dependenciesCheck(false),
      portCheck("gateway", 4000, false),
      serviceCheck("REDIS_URL", "redis://127.0.0.1:6379", true),
    ]);
    expect(exitCode).toBe(1);
    const text = lines.join("\n");
    expect(text).toMatch(/FAIL\s+node_modules/);
    expect(text).toContain("run `npm install`");
    expect(text).toContain("lsof -i :4000");
    expect(text).toMatch(/ok\s+REDIS_URL/);
    expect(text).toContain("2 required checks failed");
  });

  it("only warns about missing optional tools", () => {
    const { lines, exitCode } = summarize([dependenciesCheck(true), toolCheck("kcat", false, "kcat tests")]);
    expect(exitCode).toBe(0);
    expect(lines.join("\n")).toMatch(/warn\s+kcat/);
  });
});
