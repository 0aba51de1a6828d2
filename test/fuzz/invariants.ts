// What every answer must satisfy, whatever was sent: the fuzzer's invariants, one function per transport.

export type Invariant =
  | "no 5xx"
  | "JSON answer"
  | "every error has extensions.code"
  | "no data: null without errors"
  | "no internal close of a WebSocket"
  | "no answer slower than the bound"
  | "every process alive afterwards"
  | "gateway heap bounded";

interface Result {
  data?: unknown;
  errors?: { message?: string; extensions?: { code?: unknown } }[];
}

/** The violations in one GraphQL result (HTTP body item or graphql-ws `next` payload). */
export function resultViolations(result: unknown): Invariant[] {
  const found: Invariant[] = [];
  if (!result || typeof result !== "object") return ["JSON answer"];
  const { data, errors } = result as Result;
  const hasErrors = Array.isArray(errors) && errors.length > 0;
  if (!hasErrors && (data === null || data === undefined)) found.push("no data: null without errors");
  for (const error of hasErrors ? errors : []) {
    const code = error?.extensions?.code;
    if (typeof code !== "string" || code === "") found.push("every error has extensions.code");
  }
  return [...new Set(found)];
}

/** The violations in one HTTP answer: its status, then every result it carries (one, or a batch's). */
export function httpViolations(status: number, text: string): Invariant[] {
  const found: Invariant[] = [];
  if (status >= 500) found.push("no 5xx");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [...found, "JSON answer"];
  }
  for (const result of Array.isArray(body) ? body : [body]) found.push(...resultViolations(result));
  return [...new Set(found)];
}

/** graphql-ws refusals arrive as an `error` message: a list of GraphQL errors, each needing its code. */
export function wsErrorViolations(errors: unknown): Invariant[] {
  if (!Array.isArray(errors)) return ["every error has extensions.code"];
  return resultViolations({ errors });
}

/** 1011 and 4500 are "the server failed"; a client mistake closes with 4400-range codes or not at all. */
export function wsCloseViolations(code: number): Invariant[] {
  return code === 1011 || code === 4500 ? ["no internal close of a WebSocket"] : [];
}
