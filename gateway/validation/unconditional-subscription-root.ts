// A subscription's root field decides which event stream it follows, so it cannot be switched off: the GraphQL
// specification's "Single root field" rule forbids @skip and @include there. Checked before graphql-js
// validates, because its own SingleFieldSubscriptionsRule throws (rather than reports) when such a directive
// takes a variable, which Apollo would answer as a 500.
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
} from "graphql";
import { graphqlRuntime as graphql } from "../graphql-runtime.ts";

const CONDITIONS = new Set(["skip", "include"]);

export const CONDITIONAL_ROOT_MESSAGE =
  "A subscription's root field cannot be conditional: remove @skip and @include from it and from the fragments around it.";

/** The first root selection (field, inline fragment or spread, through fragments) that carries @skip/@include. */
function conditionalRoot(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): SelectionNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.some((d) => CONDITIONS.has(d.name.value))) return selection;
    if (selection.kind === graphql.Kind.INLINE_FRAGMENT) {
      const found = conditionalRoot(selection.selectionSet, fragments, seen);
      if (found) return found;
    } else if (selection.kind === graphql.Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      const found = fragment && conditionalRoot(fragment.selectionSet, fragments, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** GRAPHQL_VALIDATION_FAILED when a subscription's root field could be skipped; undefined otherwise. */
export function refuseConditionalRoot(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): GraphQLError | undefined {
  if (operation.operation !== "subscription") return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === graphql.Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const found = conditionalRoot(operation.selectionSet, fragments, new Set());
  if (!found) return undefined;
  return new graphql.GraphQLError(CONDITIONAL_ROOT_MESSAGE, {
    nodes: found,
    extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } },
  });
}
