// Errors that say the database cannot answer now, not that the request was wrong: the client should retry,
// so the subgraph answers SERVICE_UNAVAILABLE instead of an internal error.

/** SQLSTATEs of a server going away or refusing connections (class 08 is every connection exception). */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown: pg_terminate_backend, a fast shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting or recovering
  "53300", // too_many_connections
]);

/** postgres.js's own codes for a connection it lost or could not open, and the socket's. */
const UNAVAILABLE_CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
]);

export const DATABASE_UNAVAILABLE_MESSAGE = "The database cannot answer right now; retry shortly.";

/** Whether `error`, or an error it wraps (drizzle's query error, a resolver's), is the database being away. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const { code } = current as { code?: unknown };
    if (
      typeof code === "string" &&
      (code.startsWith("08") || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_CONNECTION_CODES.has(code))
    )
      return true;
    const wrapper = current as { cause?: unknown; originalError?: unknown };
    current = wrapper.originalError ?? wrapper.cause;
  }
  return false;
}
