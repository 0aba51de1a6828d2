// What a subgraph fetch asks for, read from the query text the gateway's plan sends: an `_entities` fetch, or
// root fields with their arguments. Parsed once per distinct text (a plan sends the same text every time).
import {
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type ValueNode,
  valueFromASTUntyped,
} from "graphql";

export interface RootField {
  name: string;
  /** The key its value has in the answer. */
  responseKey: string;
  arguments: ReadonlyMap<string, ValueNode>;
}

export type FetchShape =
  | { kind: "entities" }
  | { kind: "root"; fields: readonly RootField[] }
  /** Anything else (fragments or conditions at the root): never cached. */
  | { kind: "other" };

const shapes = new Map<string, FetchShape>();
const MAX_SHAPES = 10_000;

function shapeOf(operation: OperationDefinitionNode | undefined): FetchShape {
  if (!operation) return { kind: "other" };
  const fields: RootField[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.directives?.length) return { kind: "other" };
    const field: FieldNode = selection;
    if (field.name.value === "__typename") continue;
    fields.push({
      name: field.name.value,
      responseKey: field.alias?.value ?? field.name.value,
      arguments: new Map((field.arguments ?? []).map((a) => [a.name.value, a.value] as const)),
    });
  }
  if (fields.length === 1 && fields[0]!.name === "_entities") return { kind: "entities" };
  return fields.length ? { kind: "root", fields } : { kind: "other" };
}

export function fetchShape(query: string): FetchShape {
  let shape = shapes.get(query);
  if (!shape) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    let operation: OperationDefinitionNode | undefined;
    try {
      const definitions = parse(query).definitions;
      if (definitions.length === 1 && definitions[0]!.kind === Kind.OPERATION_DEFINITION) {
        operation = definitions[0];
      }
    } catch {
      operation = undefined;
    }
    shape = shapeOf(operation);
    shapes.set(query, shape);
  }
  return shape;
}

/** An argument's value with the fetch's variables filled in. */
export function argumentValue(
  field: RootField,
  name: string,
  variables: Record<string, unknown> | undefined,
): unknown {
  const node = field.arguments.get(name);
  return node === undefined ? undefined : valueFromASTUntyped(node, variables);
}
