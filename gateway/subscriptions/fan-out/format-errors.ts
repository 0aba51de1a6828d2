// An event resolution's errors as Apollo Server formats a response's errors, so subscribers get the same
// messages and codes whether Apollo's request pipeline or the gateway's executor ran the query.
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import { withoutSuggestions } from "../../../platform/errors.ts";

export interface ErrorFormat {
  /** With introspection off, no "Did you mean …?" (Apollo Server's formatError in server.ts). */
  hideSuggestions: boolean;
  /** Apollo Server's includeStacktraceInErrorResponses. */
  stacktraces: boolean;
}

/** Apollo Server's enrichment: a code on every error (INTERNAL_SERVER_ERROR when none), no `http` hint. */
export function formatErrors(errors: readonly GraphQLError[], format: ErrorFormat): GraphQLFormattedError[] {
  return errors.map((error) => {
    const { http: _http, ...rest } = error.extensions ?? {};
    const extensions: Record<string, unknown> = { ...rest, code: rest.code ?? "INTERNAL_SERVER_ERROR" };
    if (format.stacktraces) extensions.stacktrace = error.stack?.split("\n");
    const formatted = { ...error.toJSON(), extensions };
    return format.hideSuggestions
      ? { ...formatted, message: withoutSuggestions(formatted.message) }
      : formatted;
  });
}
