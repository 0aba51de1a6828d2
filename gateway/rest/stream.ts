// A route's subscription as plain Server-Sent Events for REST clients (EventSource): each event's `data:` is the
// root field's value and its `id:` the subscription cursor, so a reconnect's `Last-Event-ID` resumes after it.
import type { ServerResponse } from "node:http";
import type { FormattedExecutionResult, GraphQLError } from "graphql";
import type { SubscriberStream } from "../subscriptions/fan-out/stream.ts";
import type { Caller, Payload } from "../subscriptions/planning/operation.ts";
import { problem, sendProblem } from "./problem.ts";

export type OpenSubscription = (
  caller: Caller,
  payload: Payload,
) => Promise<SubscriberStream | readonly GraphQLError[]>;

/** Comments keep idle connections open through proxies that cut silent ones. */
const KEEP_ALIVE_MS = 15_000;

const codeOf = (error: { extensions?: Record<string, unknown> } | undefined) =>
  typeof error?.extensions?.code === "string" ? error.extensions.code : "INTERNAL_SERVER_ERROR";

function eventText(result: FormattedExecutionResult, responseKey: string): string {
  const error = result.errors?.[0];
  if (error) {
    const body = problem(codeOf(error), error.message);
    return `event: problem\ndata: ${JSON.stringify(body)}\n\n`;
  }
  const cursor = result.extensions?.cursor;
  // An `id:` line may not hold a line break; cursors are base64url, so this only guards the format.
  const id = typeof cursor === "string" && !/[\r\n]/.test(cursor) ? `id: ${cursor}\n` : "";
  return `${id}data: ${JSON.stringify(result.data?.[responseKey] ?? null)}\n\n`;
}

export async function serveStream(
  res: ServerResponse,
  opened: SubscriberStream | readonly GraphQLError[],
  responseKey: string,
): Promise<void> {
  if (Array.isArray(opened)) {
    const first = (opened as readonly GraphQLError[])[0];
    return sendProblem(res, problem(codeOf(first), first?.message ?? "The stream was refused."));
  }
  const stream = opened as SubscriberStream;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    // nginx buffers responses by default; events must not wait in it.
    "x-accel-buffering": "no",
  });
  // Subscribed once the headers arrive: events published after that are delivered.
  res.write(": subscribed\n\n");
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
  res.once("close", () => {
    clearInterval(keepAlive);
    void stream.return();
  });
  try {
    for await (const result of stream) {
      const text = eventText(result, responseKey);
      if (!res.write(text))
        await new Promise((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
      if (result.errors?.length) break;
    }
  } finally {
    clearInterval(keepAlive);
    res.end();
  }
}
