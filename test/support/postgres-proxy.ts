// A TCP proxy in front of the machine's Postgres that can have the real server terminate the backends behind it,
// so a test sees exactly what a restart, a failover or an operator's pg_terminate_backend sends a client.
import { createServer, Socket } from "node:net";
import { connect } from "./postgres-server.ts";

/** postgres.js's first statement on every new connection: it reads the array types. */
const ARRAY_TYPES_QUERY = "from pg_catalog.pg_type a";

export interface PostgresProxy {
  /** The server URL to hand out instead of the real one (same user, password and database). */
  url(of: string): string;
  /** Terminate the backend of the next connection as it asks for the array types, i.e. while it starts. */
  terminateNextStartingConnection(): void;
  /** Terminate every backend connected through the proxy now; resolves with how many there were. */
  terminateAll(): Promise<number>;
  /** Backends terminated at start-up so far. */
  readonly terminatedWhileStarting: number;
  stop(): Promise<void>;
}

export async function startPostgresProxy(server: string): Promise<PostgresProxy> {
  const target = new URL(server);
  const admin = connect(server);
  const upstreams = new Set<Socket>();
  let armed = false;
  let terminatedWhileStarting = 0;
  const terminate = async (ports: number[]) =>
    ports.length === 0
      ? 0
      : (
          await admin`select pg_terminate_backend(pid) from pg_stat_activity where client_port = any(${ports}::int[])`
        ).length;

  const proxy = createServer((client) => {
    const upstream = new Socket();
    upstreams.add(upstream);
    upstream.connect(Number(target.port || 5432), target.hostname);
    upstream.on("data", (chunk) => client.write(chunk));
    upstream.on("close", () => {
      upstreams.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.on("error", () => upstream.destroy());
    client.on("data", (chunk) => {
      if (armed && chunk.includes(ARRAY_TYPES_QUERY)) {
        armed = false;
        // The query is held back and the backend, idle after its startup, is terminated: the client is left
        // waiting on its first statement when the server's FATAL 57P01 and the close arrive.
        void terminate([upstream.localPort ?? 0]).then((count) => {
          terminatedWhileStarting += count;
        });
        return;
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  if (!address || typeof address === "string") throw new Error("the Postgres proxy has no port");

  return {
    url(of) {
      const proxied = new URL(of);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(address.port);
      return proxied.toString();
    },
    terminateNextStartingConnection() {
      armed = true;
    },
    terminateAll: () => terminate([...upstreams].map((socket) => socket.localPort ?? 0)),
    get terminatedWhileStarting() {
      return terminatedWhileStarting;
    },
    async stop() {
      for (const socket of upstreams) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
      await admin.end();
    },
  };
}
