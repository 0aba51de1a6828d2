// Scalars every subgraph declares the same way.
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

/** ISO-8601 UTC strings on the wire, Date objects inside. */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError("DateTime cannot represent an invalid date");
    return date.toISOString();
  },
  parseValue(value) {
    const date = new Date(value as string);
    if (typeof value !== "string" || Number.isNaN(date.getTime())) {
      throw new GraphQLError("DateTime must be an ISO-8601 string", {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    return date;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value))) {
      throw new GraphQLError("DateTime must be an ISO-8601 string", {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    return new Date(ast.value);
  },
});
