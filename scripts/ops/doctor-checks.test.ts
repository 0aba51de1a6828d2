import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogSdl, startCatalog } from "../../test/support/fixture-subgraphs.ts";
import { startTestGateway } from "../../test/support/gateway.ts";
import { composeSupergraph, writeSupergraph } from "../../test/support/supergraph.ts";
import {
  composeCheck,
  composeGuidance,
  composeMajor,
  dependenciesCheck,
  endpointOf,
  identifyTributary,
  nodeCheck,
  portCheck,
  satisfiesMinimum,
  serviceCheck,
  summarize,
  toolCheck,
} from "./doctor-checks.ts";
import { healthBodies } from "./probes.ts";

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

  it("reads Compose's major version from v2's and v1's output", () => {
    expect(composeMajor("Docker Compose version v2.29.1")).toBe(2);
    expect(composeMajor("Docker Compose version 2.24.6+ds1-0+deb12u1")).toBe(2);
    expect(composeMajor("docker-compose version 1.29.2, build unknown")).toBe(1);
    expect(composeMajor(null)).toBeNull();
  });

  it("has nothing to say when Compose v2 is there, and names v1 and the plugin to install when it is not", () => {
    expect(composeGuidance("Docker version 28.2.2", "Docker Compose version v2.29.1", null)).toBeNull();
    const v1 = composeGuidance("Docker version 28.2.2", null, "docker-compose version 1.29.2, build unknown");
    expect(v1).toContain("Compose v1");
    expect(v1).toContain("name:");
    expect(v1).toContain("docker-compose-plugin");
    expect(v1).toContain("npm start");
    expect(composeGuidance(null, null, null)).toContain("docker is not on PATH");
    expect(composeCheck("Docker version 28.2.2", null, null)).toMatchObject({ ok: false, required: false });
    expect(composeCheck("Docker version 28.2.2", "Docker Compose version v2.29.1", null).ok).toBe(true);
  });

  it("`npm run up` without docker on PATH explains what to install and exits 1", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/up.ts", "up", "-d"], {
      cwd: join(import.meta.dirname, "../.."),
      env: { PATH: dirname(process.execPath) },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("`npm run up` needs Docker with Compose v2");
    expect(run.stderr).toContain("https://docs.docker.com/compose/install/linux/");
  });

  it("passes a port held by Tributary itself, naming the part", () => {
    const check = portCheck("gateway", 4000, false, "gateway");
    expect(check.ok).toBe(true);
    expect(check.detail).toContain("Tributary's own gateway");
    expect(portCheck("gateway", 4000, false).ok).toBe(false);
    expect(identifyTributary({ status: "ok", subgraph: "catalog" }, null)).toBe("catalog subgraph");
    expect(identifyTributary({ status: "ok" }, { status: "ok" })).toBeNull();
    expect(identifyTributary(null, null)).toBeNull();
  });

  it("recognises a running gateway from what its /health and /ready answer", async () => {
    const catalog = await startCatalog();
    const path = await writeSupergraph(
      composeSupergraph([
        {
          name: "catalog",
          url: "http://localhost:4002/graphql",
          typeDefs: catalogSdl({ withDescription: false }),
        },
      ]),
    );
    const gateway = await startTestGateway({
      SUPERGRAPH_PATH: path,
      SUBGRAPH_URLS: `catalog=${catalog.url}`,
    });
    try {
      const port = Number(new URL(gateway.url).port);
      expect(identifyTributary(...(await healthBodies(port)))).toBe("gateway");
      expect(identifyTributary(...(await healthBodies(Number(new URL(catalog.url).port))))).not.toBe(
        "gateway",
      );
    } finally {
      await gateway.stop();
      await catalog.stop();
    }
  });
});
