// Sends a fuzz operation over HTTP (kept-alive node:http) or graphql-ws and reports what came back.
import { Agent, request as httpRequest } from "node:http";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import type { FuzzOperation } from "./generate.ts";
import {
  httpViolations,
  type Invariant,
  resultViolations,
  wsCloseViolations,
  wsErrorViolations,
} from "./invariants.ts";

export interface Outcome {
  violations: Invariant[];
  ms: number;
  /** Status (HTTP) or close code (ws) and the first bytes of the answer, for the report. */
  answer: string;
}

export interface Target {
  url: string;
  wsUrl: string;
  /** `Authorization` header values per sender. */
  authorization: Record<FuzzOperation["as"], string | undefined>;
}

/** How long a subscription is watched (it has no end of its own), and the most any other answer may take. */
const SUBSCRIPTION_WATCH_MS = 300;
const ANSWER_CAP_MS = 30_000;

export function httpSender(concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  function post(url: string, headers: Record<string, string>, body: string) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      });
      req.on("error", reject);
      req.end(Buffer.from(body, "utf8"));
    });
  }
  return {
    async send(target: Target, operation: FuzzOperation): Promise<Outcome> {
      const headers: Record<string, string> = { "content-type": "application/json" };
      const authorization = target.authorization[operation.as];
      if (authorization) headers.authorization = authorization;
      const started = performance.now();
      try {
        const { status, text } = await post(target.url, headers, JSON.stringify(operation.body));
        const ms = performance.now() - started;
        return { violations: httpViolations(status, text), ms, answer: `${status} ${text.slice(0, 300)}` };
      } catch (error) {
        // The connection itself failed: the gateway dropped it or died.
        return { violations: ["no 5xx"], ms: performance.now() - started, answer: String(error) };
      }
    },
    close: () => agent.destroy(),
  };
}

/** One graphql-ws operation on its own connection, so a closed socket is attributed to the operation that closed it. */
export async function sendOverWebSocket(target: Target, operation: FuzzOperation): Promise<Outcome> {
  const body = Array.isArray(operation.body) ? operation.body[0]! : operation.body;
  const violations: Invariant[] = [];
  const answers: string[] = [];
  let closeCode: number | undefined;
  const client = createClient({
    url: target.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: { authorization: target.authorization[operation.as] },
    on: {
      closed: (event) => {
        closeCode = (event as { code?: number }).code;
      },
    },
  });
  const started = performance.now();
  let ms = 0;
  try {
    await new Promise<void>((resolve) => {
      let judged = false;
      const unsubscribe = client.subscribe(body, {
        next(result) {
          ms ||= performance.now() - started;
          violations.push(...resultViolations(result));
          answers.push(JSON.stringify(result).slice(0, 300));
          // A live subscription keeps going: its first answer is the one judged.
          if (judged) return;
          judged = true;
          setTimeout(() => {
            unsubscribe();
            resolve();
          }, 0);
        },
        error(error) {
          ms ||= performance.now() - started;
          if (Array.isArray(error)) violations.push(...wsErrorViolations(error));
          else if (closeCode !== undefined) violations.push(...wsCloseViolations(closeCode));
          answers.push(String(Array.isArray(error) ? JSON.stringify(error) : error).slice(0, 300));
          resolve();
        },
        complete: () => resolve(),
      });
      // A subscription that delivers nothing (no event happened) was accepted: that is a fine answer.
      const live = /^\s*subscription\b/.test(body.query);
      setTimeout(
        () => {
          unsubscribe();
          resolve();
        },
        live ? SUBSCRIPTION_WATCH_MS : ANSWER_CAP_MS,
      ).unref();
    });
  } catch (error) {
    // The connection itself failed (a 408 on the upgrade from a stalled gateway, say): no answer in time.
    violations.push("no answer slower than the bound");
    answers.push(String(error));
  } finally {
    await Promise.resolve(client.dispose()).catch((error: unknown) => answers.push(String(error)));
  }
  return {
    violations: [...new Set(violations)],
    // A subscription still open when the watch ended answered "accepted" at once, as far as timing goes.
    ms: ms || (/^\s*subscription\b/.test(body.query) ? 0 : performance.now() - started),
    answer: `ws${closeCode ? ` closed ${closeCode}` : ""} ${answers.join(" | ")}`,
  };
}
