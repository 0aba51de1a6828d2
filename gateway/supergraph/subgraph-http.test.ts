import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
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

  it("reuses kept-alive connections for calls made one after another", async () => {
    const http = createSubgraphHttp();
    remotePorts.clear();
    for (let i = 0; i < 20; i++) await http.post(`${origin}/graphql`, {}, "{}");
    // undici frees a connection a tick after its answer has been read, so the next call may take a second.
    expect(remotePorts.size).toBeLessThanOrEqual(2);
    http.close();
  });

  it("gives up on a subgraph that sends nothing", async () => {
    const http = createSubgraphHttp({ timeoutMs: 100 });
    await expect(http.post(`${origin}/silent`, {}, "{}")).rejects.toThrow(/sent nothing for 100 ms/);
    http.close();
  });

  it("sends a call again on a fresh connection when the subgraph closed the reused one under it", async () => {
    // Each connection answers its first request, then closes (FIN) on the next one without answering: a
    // kept-alive connection the subgraph dropped just as it was reused.
    let connections = 0;
    const flaky = createTcpServer((socket) => {
      connections++;
      let requests = 0;
      socket.on("data", () => {
        if (++requests === 1) {
          socket.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}");
        } else socket.end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/graphql`;
    const http = createSubgraphHttp({ maxSocketsPerOrigin: 1 });
    try {
      expect((await http.post(url, {}, "{}")).body).toBe("{}");
      expect((await http.post(url, {}, "{}")).body).toBe("{}");
      expect(connections).toBe(2);
    } finally {
      http.close();
      flaky.close();
    }
  });

  it("does not send a call twice when a fresh connection is closed under it (it may have been applied)", async () => {
    let connections = 0;
    const closing = createTcpServer((socket) => {
      connections++;
      socket.on("data", () => socket.end());
    });
    await new Promise<void>((resolve) => closing.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closing.address() as AddressInfo).port}/graphql`;
    const http = createSubgraphHttp();
    try {
      await expect(http.post(url, {}, "{}")).rejects.toThrow(/other side closed/);
      expect(connections).toBe(1);
    } finally {
      http.close();
      closing.close();
    }
  });
});
