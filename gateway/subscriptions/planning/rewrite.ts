// Turns a subscription operation into the query that loads one event's entity with the client's selection.
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  print,
  type SelectionSetNode,
  visit,
} from "graphql";

export interface EntityQuery {
  /** Printed once and reused, so Apollo's document and query-plan caches hit on every event. */
  query: string;
  /** The variable carrying the entity id, normally `__id`. */
  idVariable: string;
  /** The client's variables the query still uses; only those are sent. */
  variables: string[];
}

/** The subscription's single root field, looking through fragments on the root type. */
export function rootField(document: DocumentNode, selectionSet: SelectionSetNode): FieldNode | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) return selection;
    const nested =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : document.definitions.find(
            (d): d is FragmentDefinitionNode =>
              d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
          )?.selectionSet;
    const found = nested && rootField(document, nested);
    if (found) return found;
  }
  return undefined;
}

/** Fragments reachable from a selection: the others would fail NoUnusedFragments. */
function reachableFragments(document: DocumentNode, start: SelectionSetNode): FragmentDefinitionNode[] {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) byName.set(d.name.value, d);
  const seen = new Map<string, FragmentDefinitionNode>();
  const pending: SelectionSetNode[] = [start];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const fragment = byName.get(node.name.value);
        if (!fragment || seen.has(node.name.value)) return;
        seen.set(node.name.value, fragment);
        pending.push(fragment.selectionSet);
      },
    });
  }
  return [...seen.values()];
}

function usedVariables(nodes: readonly (SelectionSetNode | FragmentDefinitionNode)[]): Set<string> {
  const used = new Set<string>();
  for (const node of nodes) visit(node, { Variable: (v) => void used.add(v.name.value) });
  return used;
}

export function entityQuery(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  field: FieldNode,
  entityField: string,
): EntityQuery {
  if (!field.selectionSet) throw new Error(`Subscription.${field.name.value} needs a selection set`);
  const fragments = reachableFragments(document, field.selectionSet);
  const used = usedVariables([field.selectionSet, ...fragments]);
  const defined = operation.variableDefinitions ?? [];
  let idVariable = "__id";
  while (defined.some((d) => d.variable.name.value === idVariable)) idVariable += "_";
  const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
  const query: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    name: name(`${operation.name?.value ?? "Subscription"}__${field.name.value}`),
    variableDefinitions: [
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: name(idVariable) },
        type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name("ID") } },
      },
      ...defined.filter((d) => used.has(d.variable.name.value)),
    ],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        {
          kind: Kind.FIELD,
          alias: name("entity"),
          name: name(entityField),
          arguments: [
            { kind: Kind.ARGUMENT, name: name("id"), value: { kind: Kind.VARIABLE, name: name(idVariable) } },
          ],
          selectionSet: field.selectionSet,
        },
      ],
    },
  };
  return {
    query: print({ kind: Kind.DOCUMENT, definitions: [query, ...fragments] }),
    idVariable,
    variables: [...used].filter((v) => defined.some((d) => d.variable.name.value === v)),
  };
}
