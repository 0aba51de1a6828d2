import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { formatErrors } from "./format-errors.ts";

describe("formatErrors", () => {
  const plain = { hideSuggestions: false, stacktraces: false };

  it("keeps a subgraph's code and path, and drops Apollo's http hint", () => {
    const error = new GraphQLError("Only the order's customer may see it.", {
      path: ["entity", "total"],
      extensions: { code: "FORBIDDEN", http: { status: 403 }, serviceName: "orders" },
    });
    expect(formatErrors([error], plain)).toEqual([
      {
        message: "Only the order's customer may see it.",
        path: ["entity", "total"],
        extensions: { code: "FORBIDDEN", serviceName: "orders" },
      },
    ]);
  });

  it("codes an error without one INTERNAL_SERVER_ERROR, as Apollo Server does", () => {
    const [formatted] = formatErrors([new GraphQLError("boom")], plain);
    expect(formatted?.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("hides suggestions with introspection off and adds stack traces only when asked", () => {
    const error = new GraphQLError('Cannot query field "nme". Did you mean "name"?');
    const [hidden] = formatErrors([error], { hideSuggestions: true, stacktraces: false });
    expect(hidden?.message).toBe('Cannot query field "nme".');
    const [traced] = formatErrors([error], { hideSuggestions: false, stacktraces: true });
    expect(traced?.extensions?.stacktrace).toEqual(error.stack?.split("\n"));
  });
});
