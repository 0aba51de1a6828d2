// Errors over REST as RFC 9457 problem documents (application/problem+json), the GraphQL code kept as `code`.
import { type ServerResponse, STATUS_CODES } from "node:http";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  /** Every error, when the operation answered more than one. */
  errors?: { message: string; code: string }[];
  /** RATE_LIMITED: the seconds `Retry-After` says too. */
  retryAfterSeconds?: number;
}

/** The status each error code answers with; any other code is the gateway's fault (500). */
const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  // The operation limits (gateway/limits): e.g. a `per_page` so large the operation costs too much.
  DOCUMENT_TOO_LARGE: 400,
  OPERATION_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  TOO_MANY_ROOT_FIELDS: 400,
  OPERATION_TOO_COMPLEX: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  // A stream's Last-Event-ID older than Kafka's retention: the events in between are gone for good.
  CURSOR_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  // The ways a stream ends on purpose (subscriptions/close-codes.ts): resume with the last event's id.
  SUBSCRIBER_TOO_SLOW: 429,
  SUPERGRAPH_CHANGED: 503,
  REPLAY_FAILED: 503,
};

export function statusFor(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** A stable identifier per code (RFC 9457 `type`), e.g. `https://tributary.dev/problems/not-found`. */
export function problemType(code: string): string {
  return `https://tributary.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;
}

export function problem(code: string, detail: string, extra: Partial<Problem> = {}): Problem {
  const status = extra.status ?? statusFor(code);
  return { type: problemType(code), title: STATUS_CODES[status] ?? "Error", status, detail, code, ...extra };
}

export function sendProblem(res: ServerResponse, body: Problem, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(body.status, {
    ...headers,
    "content-type": PROBLEM_CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
