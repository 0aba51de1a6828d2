// Measures an operation before it is planned: depth, aliases, root fields, fields after fragment expansion,
// and an estimated cost with list sizes. Each fragment is measured once and its totals reused wherever it is
// spread, so the work is linear in the document however often fragments spread each other; the walk stops as
// soon as a running total passes its ceiling.
import {
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { type ListSizeOptions, listMultiplier } from "./list-size.ts";

export interface OperationMeasure {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
  /** Fields once every fragment is expanded, each spread counted again; introspection fields included. */
  fields: number;
  /** Set when the walk stopped early: this total passed its ceiling, the others are left at 0. */
  stoppedAt?: MeasuredTotal;
}

export type MeasuredTotal = "depth" | "aliases" | "rootFields" | "cost" | "fields";

export interface MeasureOptions extends ListSizeOptions {
  /** Totals past which measuring stops: the operation is refused anyway, and counting further is work. */
  ceilings?: Partial<Record<MeasuredTotal, number>>;
}

/** What a selection set adds up to; `width` is its fields at its own level (root fields, for the root). */
interface Totals {
  depth: number;
  aliases: number;
  width: number;
  fields: number;
  cost: number;
}

const zero = (): Totals => ({ depth: 0, aliases: 0, width: 0, fields: 0, cost: 0 });

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  options: MeasureOptions;
  /** A fragment's totals depend on the type it is measured against and the list bound handed down. */
  memo: Map<string, Totals>;
  /** Fragments being measured: spreading one of them again is a cycle (validation refuses it), counted 0. */
  active: Set<string>;
}

class Stop {
  constructor(
    readonly total: MeasuredTotal,
    readonly value: number,
  ) {}
}

function fieldOf(parent: GraphQLCompositeType | undefined, name: string) {
  if (parent && (isObjectType(parent) || isInterfaceType(parent))) return parent.getFields()[name];
  return undefined;
}

/**
 * A subtree's total only grows as it is spread and multiplied (each multiplier is at least 1), so a subtree
 * past a ceiling means the operation is past it.
 */
function check(walk: Walk, totals: Totals, root: boolean): void {
  const ceilings = walk.options.ceilings;
  if (!ceilings) return;
  const over = (total: MeasuredTotal, value: number) => {
    const ceiling = ceilings[total];
    if (ceiling !== undefined && value > ceiling) throw new Stop(total, value);
  };
  over("fields", totals.fields);
  over("depth", totals.depth);
  over("aliases", totals.aliases);
  if (root) over("rootFields", totals.width);
  over("cost", totals.cost);
}

function add(into: Totals, inner: Totals): void {
  into.depth = Math.max(into.depth, inner.depth);
  into.aliases += inner.aliases;
  into.width += inner.width;
  into.fields += inner.fields;
  into.cost += inner.cost;
}

/**
 * Introspection subtrees count only towards `fields`: introspection is gated on its own (INTROSPECTION), and
 * its deep type references would skew depth and cost, but a fragment bomb inside `__schema` is still a bomb.
 */
function measureSet(
  walk: Walk,
  set: SelectionSetNode,
  parent: GraphQLCompositeType | undefined,
  bound: number | undefined,
  introspection: boolean,
  root = false,
): Totals {
  const totals = zero();
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const inside = introspection || selection.name.value.startsWith("__");
      const field = fieldOf(parent, selection.name.value);
      const type = field ? getNamedType(field.type) : undefined;
      const { self, passed } = inside
        ? { self: 1, passed: undefined }
        : listMultiplier(walk.options, walk.variables, selection, field, bound);
      const inner = selection.selectionSet
        ? measureSet(walk, selection.selectionSet, isCompositeType(type) ? type : undefined, passed, inside)
        : zero();
      totals.fields += 1 + inner.fields;
      if (!inside) {
        totals.aliases += (selection.alias ? 1 : 0) + inner.aliases;
        totals.width += 1;
        totals.depth = Math.max(totals.depth, 1 + inner.depth);
        totals.cost += self * (1 + inner.cost);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const scope = scopeOf(walk, selection.typeCondition?.name.value, parent);
      add(totals, measureSet(walk, selection.selectionSet, scope, bound, introspection));
    } else {
      add(totals, measureFragment(walk, selection.name.value, parent, bound, introspection));
    }
    check(walk, totals, root);
  }
  return totals;
}

function scopeOf(walk: Walk, typeName: string | undefined, parent: GraphQLCompositeType | undefined) {
  const conditioned = typeName ? walk.schema.getType(typeName) : parent;
  return isCompositeType(conditioned) ? conditioned : parent;
}

/** A named fragment's totals, measured on its first spread and reused on every later one. */
function measureFragment(
  walk: Walk,
  name: string,
  parent: GraphQLCompositeType | undefined,
  bound: number | undefined,
  introspection: boolean,
): Totals {
  const fragment = walk.fragments.get(name);
  if (!fragment || walk.active.has(name)) return zero();
  const scope = scopeOf(walk, fragment.typeCondition.name.value, parent);
  const key = `${name}|${scope?.name ?? ""}|${bound ?? ""}|${introspection}`;
  const known = walk.memo.get(key);
  if (known) return known;
  walk.active.add(name);
  try {
    const totals = measureSet(walk, fragment.selectionSet, scope, bound, introspection);
    walk.memo.set(key, totals);
    return totals;
  } finally {
    walk.active.delete(name);
  }
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
    // The first definition of a name wins, as a cycle-free walk needs one answer; validation refuses duplicates.
    fragments: new Map([...fragments].reverse().map((f) => [f.name.value, f])),
    variables,
    options,
    memo: new Map(),
    active: new Set(),
  };
  const root = schema.getRootType(operation.operation) ?? undefined;
  try {
    const totals = measureSet(walk, operation.selectionSet, root, undefined, false, true);
    const { depth, aliases, width: rootFields, cost, fields } = totals;
    return { depth, aliases, rootFields, cost, fields };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return {
      depth: 0,
      aliases: 0,
      rootFields: 0,
      cost: 0,
      fields: 0,
      [error.total]: error.value,
      stoppedAt: error.total,
    };
  }
}
