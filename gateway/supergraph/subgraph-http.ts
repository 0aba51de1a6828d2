// POSTs to subgraphs over node:http with keep-alive: no fetch/WHATWG streams per call, sockets reused per origin.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface SubgraphReply {
  url: string;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SubgraphHttp {
  post(url: string, headers: Record<string, string>, body: string): Promise<SubgraphReply>;
  /** Closes idle sockets (tests, shutdown). */
  close(): void;
}

export interface SubgraphHttpOptions {
  /** Concurrent sockets per subgraph origin; requests beyond it queue in the agent. */
  maxSocketsPerOrigin?: number;
  /** A subgraph silent this long fails the call, so a hung one cannot hold a request forever; Node's fetch waits as long. */
  timeoutMs?: number;
}

function isRetryable(error: NodeJS.ErrnoException, reusedSocket: boolean): boolean {
  // A kept-alive socket the subgraph closed just as we reused it: the request never reached it (Node's docs
  // recommend exactly this retry), so sending it again on a fresh socket cannot apply anything twice.
  return reusedSocket && error.code === "ECONNRESET";
}

export function createSubgraphHttp(options: SubgraphHttpOptions = {}): SubgraphHttp {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSocketsPerOrigin ?? 256 };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const urls = new Map<string, URL>();
  const timeoutMs = options.timeoutMs ?? 300_000;

  function send(url: string, headers: Record<string, string>, body: string, retried: boolean) {
    let target = urls.get(url);
    if (!target) {
      target = new URL(url);
      urls.set(url, target);
    }
    const secure = target.protocol === "https:";
    return new Promise<SubgraphReply>((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        {
          method: "POST",
          agent: secure ? agents.https : agents.http,
          headers: { ...headers, "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () =>
            resolve({
              url,
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? "",
              headers: response.headers,
              body:
                chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      request.setTimeout(timeoutMs, () =>
        request.destroy(new Error(`${url} sent nothing for ${timeoutMs} ms; gave up`)),
      );
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (!retried && isRetryable(error, request.reusedSocket)) resolve(send(url, headers, body, true));
        else reject(error);
      });
      request.end(body);
    });
  }

  return {
    post: (url, headers, body) => send(url, headers, body, false),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
