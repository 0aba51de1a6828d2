// The error codes of the public contract, as GraphQLErrors a client can act on.
import { GraphQLError } from "graphql";

export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

export function codedError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const badInput = (message: string, field?: string) =>
  codedError("BAD_USER_INPUT", message, field ? { field } : {});
export const unauthenticated = (message = "Sign in to do this.") => codedError("UNAUTHENTICATED", message);
export const forbidden = (message = "You are not allowed to do this.") => codedError("FORBIDDEN", message);
export const notFound = (what: string, id: string) =>
  codedError("NOT_FOUND", `${what} ${id} does not exist.`);
export const conflict = (message: string) => codedError("CONFLICT", message);

/**
 * graphql-js' "Did you mean …?" hints spell out field, argument and enum names: with introspection off they
 * would hand the schema to whoever guesses near it, one typo at a time.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, "");
}
