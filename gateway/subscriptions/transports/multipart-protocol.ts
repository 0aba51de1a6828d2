// Apollo's multipart HTTP subscription protocol (what Apollo Client, Kotlin and iOS speak over plain HTTP): one
// long multipart/mixed response, boundary "graphql", each part `{"payload": result}`, `{}` as a heartbeat, and
// `--graphql--` at the end. Built on the incremental delivery over HTTP format the @defer responses use.

export const BOUNDARY = "graphql";
export const MULTIPART_CONTENT_TYPE = `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`;

/** True when the client lists multipart/mixed among what it accepts (Apollo Client, urql's fetchSubscriptions). */
export function acceptsMultipart(accept: string | undefined | null): boolean {
  return /(^|,)\s*multipart\/mixed\b/i.test(accept ?? "");
}

/** What opens the body: the first boundary line, so every part after it reads the same. */
export const OPENING = `\r\n--${BOUNDARY}`;

/** One part, followed by the boundary that closes it. */
export function part(body: unknown): string {
  return `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${JSON.stringify(body)}\r\n--${BOUNDARY}`;
}

export const HEARTBEAT = part({});

/** Turns the last boundary into the closing one. */
export const CLOSING = "--\r\n";
