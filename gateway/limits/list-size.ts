// How many times a field's selection runs: the list size its arguments promise, or an assumed default.
import { type FieldNode, type GraphQLField, getNullableType, isListType, valueFromAST } from "graphql";

export const SIZE_ARGUMENTS = ["first", "last", "perPage", "limit"];

export interface ListSizeOptions {
  /** Items a list field is assumed to return when no size argument says otherwise. */
  defaultListSize: number;
  /** Arguments that bound a list's size, e.g. `first` or `perPage`. */
  sizeArguments?: readonly string[];
}

/**
 * A field's list multiplier. A size argument (given or defaulted) bounds the list it returns, or, on a page
 * type such as `products(perPage:) { items }`, the list directly beneath it (`passed`); other lists count
 * the default size.
 */
export function listMultiplier(
  options: ListSizeOptions,
  variables: Record<string, unknown>,
  node: FieldNode,
  field: GraphQLField<unknown, unknown> | undefined,
  inherited: number | undefined,
): { self: number; passed: number | undefined } {
  if (!field) return { self: 1, passed: undefined };
  let size: number | undefined;
  for (const name of options.sizeArguments ?? SIZE_ARGUMENTS) {
    const arg = field.args.find((a) => a.name === name);
    if (!arg) continue;
    const given = node.arguments?.find((a) => a.name.value === name);
    const value = given ? valueFromAST(given.value, arg.type, variables) : arg.defaultValue;
    if (typeof value === "number" && Number.isFinite(value)) size = Math.max(1, value);
    break;
  }
  if (isListType(getNullableType(field.type)))
    return { self: size ?? inherited ?? options.defaultListSize, passed: undefined };
  return { self: 1, passed: size };
}
