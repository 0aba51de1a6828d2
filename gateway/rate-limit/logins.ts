// Finds every `login` a mutation will run, wherever the document puts it: aliased, in inline or named
// fragments, with the email written out or in a variable.
import {
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from "graphql";

export interface LoginAttempt {
  /** Where its answer lands in `data`: one execution per response key, as GraphQL merges the rest. */
  responseKey: string;
  /** Case-folded and trimmed; "" when absent or not a string (the subgraph refuses it, the attempt counts). */
  email: string;
}

export const LOGIN_FIELD = "login";

/**
 * `login` is a root mutation field, so only the root selection set and the fragments spread into it are
 * looked at. Each fragment is visited once: spreading it again selects the same fields, which GraphQL merges
 * into the same executions, so the walk stays linear and cycles end.
 */
export function loginAttempts(
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): LoginAttempt[] {
  if (operation.operation !== "mutation") return [];
  const byName = new Map(fragments.map((f) => [f.name.value, f]));
  const visited = new Set<string>();
  const attempts = new Map<string, LoginAttempt>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = byName.get(selection.name.value);
        if (!fragment || visited.has(fragment.name.value)) continue;
        visited.add(fragment.name.value);
        walk(fragment.selectionSet);
      } else if (selection.name.value === LOGIN_FIELD) {
        const responseKey = selection.alias?.value ?? LOGIN_FIELD;
        if (attempts.has(responseKey)) continue;
        const arg = selection.arguments?.find((a) => a.name.value === "email");
        const value = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
        attempts.set(responseKey, {
          responseKey,
          email: typeof value === "string" ? value.trim().toLowerCase() : "",
        });
      }
    }
  };
  walk(operation.selectionSet);
  return [...attempts.values()];
}

/** How many attempts each email makes, for one `consume(key, points)` per email. */
export function perEmail(attempts: readonly LoginAttempt[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { email } of attempts) counts.set(email, (counts.get(email) ?? 0) + 1);
  return counts;
}

/** Attempts that answered with a token: `data.<responseKey>` is present and not null. */
export function succeeded(attempts: readonly LoginAttempt[], data: unknown): number {
  if (!data || typeof data !== "object") return 0;
  const answered = data as Record<string, unknown>;
  return attempts.filter(({ responseKey }) => answered[responseKey] != null).length;
}
