// Measures an operation before it is planned: depth, aliases, root fields and an estimated cost with list sizes.
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromAST,
} from "graphql";

export interface OperationMeasure {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

export interface MeasureOptions {
  /** Items a list field is assumed to return when no size argument says otherwise. */
  defaultListSize: number;
  /** Arguments that bound a list's size, e.g. `first` or `perPage`. */
  sizeArguments?: readonly string[];
}

const SIZE_ARGUMENTS = ["first", "last", "perPage", "limit"];

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  options: MeasureOptions;
  aliases: number;
}

/**
 * A field's list multiplier. A size argument (given or defaulted) bounds the list it returns, or, on a page
 * type such as `products(perPage:) { items }`, the list directly beneath it; other lists count the default size.
 */
function multiplier(
  walk: Walk,
  node: FieldNode,
  field: GraphQLField<unknown, unknown> | undefined,
  inherited: number | undefined,
): { self: number; passed: number | undefined } {
  if (!field) return { self: 1, passed: undefined };
  let size: number | undefined;
  for (const name of walk.options.sizeArguments ?? SIZE_ARGUMENTS) {
    const arg = field.args.find((a) => a.name === name);
    if (!arg) continue;
    const given = node.arguments?.find((a) => a.name.value === name);
    const value = given ? valueFromAST(given.value, arg.type, walk.variables) : arg.defaultValue;
    if (typeof value === "number" && Number.isFinite(value)) size = Math.max(1, value);
    break;
  }
  if (isListType(getNullableType(field.type)))
    return { self: size ?? inherited ?? walk.options.defaultListSize, passed: undefined };
  return { self: 1, passed: size };
}

function fieldOf(parent: GraphQLCompositeType | undefined, name: string) {
  if (parent && (isObjectType(parent) || isInterfaceType(parent))) return parent.getFields()[name];
  return undefined;
}

/** Depth and cost of a selection set; counts aliases on the way. Fragments are expanded, cycles cut off. */
function walkSelections(
  walk: Walk,
  set: SelectionSetNode,
  parent: GraphQLCompositeType | undefined,
  seen: ReadonlySet<string>,
  bound?: number,
): { depth: number; cost: number } {
  let depth = 0;
  let cost = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      // Introspection is gated on its own (INTROSPECTION); its deep type references would skew depth.
      if (selection.name.value.startsWith("__")) continue;
      if (selection.alias) walk.aliases += 1;
      const field = fieldOf(parent, selection.name.value);
      const type = field ? getNamedType(field.type) : undefined;
      const { self, passed } = multiplier(walk, selection, field, bound);
      const inner = selection.selectionSet
        ? walkSelections(walk, selection.selectionSet, isCompositeType(type) ? type : undefined, seen, passed)
        : { depth: 0, cost: 0 };
      depth = Math.max(depth, 1 + inner.depth);
      cost += self * (1 + inner.cost);
      continue;
    }
    let fragmentSet: SelectionSetNode | undefined;
    let typeName: string | undefined;
    let nextSeen = seen;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      fragmentSet = selection.selectionSet;
      typeName = selection.typeCondition?.name.value;
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || seen.has(name)) continue;
      fragmentSet = fragment.selectionSet;
      typeName = fragment.typeCondition.name.value;
      nextSeen = new Set([...seen, name]);
    }
    const conditioned = typeName ? walk.schema.getType(typeName) : parent;
    const scope = isCompositeType(conditioned) ? conditioned : parent;
    const inner = walkSelections(walk, fragmentSet, scope, nextSeen, bound);
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

/** Root fields, counting those inside fragments too, so spreading them cannot hide width. */
function countFields(walk: Walk, set: SelectionSetNode, seen: ReadonlySet<string>): number {
  let count = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) count += selection.name.value.startsWith("__") ? 0 : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      count += countFields(walk, selection.selectionSet, seen);
    else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value))
        count += countFields(walk, fragment.selectionSet, new Set([...seen, fragment.name.value]));
    }
  }
  return count;
}

export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
  options: MeasureOptions,
): OperationMeasure {
  const walk: Walk = {
    schema,
    fragments: new Map(fragments.map((f) => [f.name.value, f])),
    variables,
    options,
    aliases: 0,
  };
  const root = schema.getRootType(operation.operation) ?? undefined;
  const { depth, cost } = walkSelections(walk, operation.selectionSet, root, new Set());
  const rootFields = countFields(walk, operation.selectionSet, new Set());
  return { depth, aliases: walk.aliases, rootFields, cost };
}
