import { describe, expect, it } from "vitest";
import { parseStartConfig } from "./config.ts";

describe("npm start's settings", () => {
  it("runs the six subgraphs in one process unless told otherwise", () => {
    expect(parseStartConfig({}).subgraphProcesses).toBe("shared");
    expect(parseStartConfig({ SUBGRAPH_PROCESSES: "separate" }).subgraphProcesses).toBe("separate");
  });

  it("gives each subgraph its own process when traces are exported, so each span names its subgraph", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
    expect(parseStartConfig(env).subgraphProcesses).toBe("separate");
    expect(parseStartConfig({ ...env, SUBGRAPH_PROCESSES: "shared" }).subgraphProcesses).toBe("shared");
  });

  it("refuses a layout it does not know", () => {
    expect(() => parseStartConfig({ SUBGRAPH_PROCESSES: "threads" })).toThrow();
  });
});
