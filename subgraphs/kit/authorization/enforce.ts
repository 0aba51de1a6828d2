// Enforces @authenticated / @requiresScopes in a subgraph: the open-source gateway composes them but never checks them.
import { defaultFieldResolver, type GraphQLSchema, isObjectType } from "graphql";
import type { SubgraphContext } from "../context.ts";
import { check, ruleOf } from "./rules.ts";

/**
 * Wraps, in place, the resolver of every field whose rule is non-empty, so the check runs before the
 * resolver on every path that reaches the field: root fields, nested fields and `_entities` references
 * alike. Resolvers keep their semantics; a field without a resolver keeps the default one behind the check.
 * Returns the protected coordinates (e.g. "Mutation.createProduct"), for logs and tests.
 */
export function enforceAuthorization(schema: GraphQLSchema): string[] {
  const protectedFields: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = ruleOf(type, field);
      if (!rule) continue;
      const coordinate = `${type.name}.${field.name}`;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        check(rule, (context as SubgraphContext | undefined)?.viewer ?? null, coordinate);
        return resolve(source, args, context, info);
      };
      protectedFields.push(coordinate);
    }
  }
  return protectedFields;
}
