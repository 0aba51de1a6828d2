// What a subgraph fetch asks for, read from the query text the gateway's plan sends: an `_entities` fetch, or
// root fields with their arguments. Parsed once per distinct text (a plan sends the same text every time).
import {
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type ValueNode,
  valueFromASTUntyped,
  visit,
} from "graphql";

export interface RootField {
  name: string;
  /** The key its value has in the answer. */
  responseKey: string;
  arguments: ReadonlyMap<string, ValueNode>;
}

export type FetchShape =
  | { kind: "entities"; selects: ReadonlySet<string> }
  | { kind: "root"; fields: readonly RootField[]; selects: ReadonlySet<string> }
  /** Anything else (fragments or conditions at the root): never cached. */
  | { kind: "other" };

const shapes = new Map<string, FetchShape>();
const MAX_SHAPES = 10_000;

/** Every field name the document selects, at any depth (what @uncacheable is checked against). */
function selectedNames(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  visit(document, { Field: (field) => void names.add(field.name.value) });
  return names;
}

function shapeOf(operation: OperationDefinitionNode | undefined, selects: ReadonlySet<string>): FetchShape {
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
  if (fields.length === 1 && fields[0]!.name === "_entities") return { kind: "entities", selects };
  return fields.length ? { kind: "root", fields, selects } : { kind: "other" };
}

export function fetchShape(query: string): FetchShape {
  let shape = shapes.get(query);
  if (!shape) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    let operation: OperationDefinitionNode | undefined;
    let selects: ReadonlySet<string> = new Set();
    try {
      const document = parse(query);
      const definitions = document.definitions;
      if (definitions.length === 1 && definitions[0]!.kind === Kind.OPERATION_DEFINITION) {
        operation = definitions[0];
      }
      selects = selectedNames(document);
    } catch {
      operation = undefined;
    }
    shape = shapeOf(operation, selects);
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
