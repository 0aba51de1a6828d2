// One operation over HTTP, graphql-ws or graphql-sse, answered the same way: data or the first error's code.
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { WebSocket } from "ws";
import type { TestGateway } from "./gateway.ts";

export const TRANSPORTS = ["http", "graphql-ws", "graphql-sse"] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface Answer {
  status?: number;
  data?: unknown;
  code?: unknown;
  message?: string;
  /** Wall time from sending to the first answer. */
  ms: number;
}

export interface Payload {
  query: string;
  variables?: Record<string, unknown>;
}

type Sink = Parameters<ReturnType<typeof createWsClient>["subscribe"]>[1];

function first(errors: unknown): { code?: unknown; message?: string } {
  const error = (Array.isArray(errors) ? errors[0] : errors) as
    | { message?: string; extensions?: { code?: unknown } }
    | undefined;
  return { code: error?.extensions?.code, message: error?.message ?? String(errors) };
}

async function overStream(subscribe: (sink: Sink) => void): Promise<Omit<Answer, "ms">> {
  return new Promise((resolve) => {
    subscribe({
      next: (result) => resolve(result.errors ? first(result.errors) : { data: result.data }),
      error: (errors) => resolve(first(errors)),
      complete: () => resolve({ message: "completed without a result" }),
    });
  });
}

export async function ask(gw: TestGateway, transport: Transport, payload: Payload): Promise<Answer> {
  const started = performance.now();
  let answer: Omit<Answer, "ms">;
  if (transport === "http") {
    const response = await gw.post(payload);
    const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
    answer = { status: response.status, data: body.data, ...(body.errors ? first(body.errors) : {}) };
  } else if (transport === "graphql-ws") {
    const client = createWsClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    try {
      answer = await overStream((sink) => client.subscribe(payload, sink));
    } finally {
      await client.dispose();
    }
  } else {
    const client = createSseClient({
      url: gw.url.replace(/\/graphql$/, "/graphql/stream"),
      retryAttempts: 0,
    });
    try {
      answer = await overStream((sink) => client.subscribe(payload, sink));
    } finally {
      client.dispose();
    }
  }
  return { ...answer, ms: performance.now() - started };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
