// POSTs to subgraphs with undici's dispatcher (the engine under Node's own fetch, without fetch's WHATWG
// streams): kept-alive connections per origin, and about a third less CPU per call than node:http
// (docs/benchmarks.md, "Gateways side by side"), which a query plan pays once per subgraph fetch.
import { STATUS_CODES } from "node:http";
import { Agent, errors } from "undici";

export interface SubgraphReply {
  url: string;
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface SubgraphHttp {
  post(url: string, headers: Record<string, string>, body: string): Promise<SubgraphReply>;
  /** Closes idle connections (tests, shutdown). */
  close(): void;
}

export interface SubgraphHttpOptions {
  /** Concurrent connections per subgraph origin; requests beyond it queue in the agent. */
  maxSocketsPerOrigin?: number;
  /** A subgraph silent this long fails the call: Node's fetch (undici) used to give up after 300 s too. */
  timeoutMs?: number;
}

interface Target {
  origin: string;
  path: string;
}

/**
 * A kept-alive connection the subgraph closed just as we reused it: the request never reached it, so sending
 * it again on a fresh connection cannot apply anything twice. undici reports that as "other side closed" with
 * the socket's counters; bytes read before means an earlier answer came over it, i.e. it was reused. (undici
 * also closes idle connections ahead of the server's `Keep-Alive: timeout`, so this is rare.)
 */
function isRetryable(error: unknown): boolean {
  return error instanceof errors.SocketError && (error.socket?.bytesRead ?? 0) > 0;
}

function isTimeout(error: unknown): boolean {
  return error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
}

export function createSubgraphHttp(options: SubgraphHttpOptions = {}): SubgraphHttp {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const agent = new Agent({
    connections: options.maxSocketsPerOrigin ?? 256,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const targets = new Map<string, Target>();

  function targetOf(url: string): Target {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      targets.set(url, target);
    }
    return target;
  }

  async function send(url: string, headers: Record<string, string>, body: string, retried: boolean) {
    const { origin, path } = targetOf(url);
    try {
      const reply = await agent.request({ origin, path, method: "POST", headers, body });
      return {
        url,
        status: reply.statusCode,
        statusText: STATUS_CODES[reply.statusCode] ?? "",
        headers: reply.headers,
        body: await reply.body.text(),
      };
    } catch (error) {
      if (!retried && isRetryable(error)) return send(url, headers, body, true);
      if (isTimeout(error))
        throw new Error(`${url} sent nothing for ${timeoutMs} ms; gave up`, { cause: error });
      throw error;
    }
  }

  return {
    post: (url, headers, body) => send(url, headers, body, false),
    close() {
      void agent.close();
    },
  };
}
