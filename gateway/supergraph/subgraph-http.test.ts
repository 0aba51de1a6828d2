import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSubgraphHttp } from "./subgraph-http.ts";

let server: Server;
let origin: string;
const remotePorts = new Set<number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    remotePorts.add(req.socket.remotePort ?? 0);
    if (req.url === "/silent") return; // never answers
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ echo: body, authorization: req.headers.authorization }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("subgraph HTTP", () => {
  it("posts the body with the given headers and returns status, headers and text", async () => {
    const http = createSubgraphHttp();
    const reply = await http.post(`${origin}/graphql`, { authorization: "Bearer t" }, '{"query":"{ a }"}');
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(reply.body)).toEqual({ echo: '{"query":"{ a }"}', authorization: "Bearer t" });
    http.close();
  });

  it("reuses one kept-alive connection for calls made one after another", async () => {
    const http = createSubgraphHttp();
    remotePorts.clear();
    for (let i = 0; i < 5; i++) await http.post(`${origin}/graphql`, {}, "{}");
    expect(remotePorts.size).toBe(1);
    http.close();
  });

  it("gives up on a subgraph that sends nothing", async () => {
    const http = createSubgraphHttp({ timeoutMs: 100 });
    await expect(http.post(`${origin}/silent`, {}, "{}")).rejects.toThrow(/sent nothing for 100 ms/);
    http.close();
  });
});
