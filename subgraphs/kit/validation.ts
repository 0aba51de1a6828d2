// Input checks that answer BAD_USER_INPUT naming the field, before anything is written.
import { defaultFieldResolver, type GraphQLSchema, isObjectType } from "graphql";
import { badInput } from "../../platform/errors.ts";

export function text(value: string, field: string, { min = 1, max = 200 } = {}): string {
  const trimmed = value.trim();
  if (trimmed.length < min) throw badInput(`${field} must have at least ${min} character(s).`, field);
  if (trimmed.length > max) throw badInput(`${field} must have at most ${max} characters.`, field);
  return trimmed;
}

export function optionalText(value: string | null | undefined, field: string, limits = {}): string | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  return text(value, field, limits);
}

export function intInRange(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(`${field} must be a whole number from ${min} to ${max}.`, field);
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are opaque to clients but ours are UUIDs: anything else cannot exist, so we can say so early. */
export function isId(value: string): boolean {
  return UUID.test(value);
}

export function id(value: string, field: string): string {
  if (!isId(value)) throw badInput(`${field} is not a valid id.`, field);
  return value.toLowerCase();
}

export interface PageArgs {
  page: number;
  perPage: number;
  offset: number;
}

export function pageArgs(page: number, perPage: number, maxPerPage = 100): PageArgs {
  intInRange(page, "page", 1, 1_000_000);
  intInRange(perPage, "perPage", 1, maxPerPage);
  return { page, perPage, offset: (page - 1) * perPage };
}

export function pageInfo({ page, perPage }: PageArgs, totalItems: number) {
  const totalPages = Math.max(1, Math.ceil(totalItems / perPage));
  return { page, perPage, totalItems, totalPages, hasNext: page < totalPages };
}

/**
 * The path (e.g. "input.tags.2") of the first string inside `value` that holds a NUL character, or null.
 * Postgres refuses U+0000 in text, so such a value would surface as an internal error instead of the
 * caller's mistake; no field of ours has a use for it.
 */
export function pathOfNulByte(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = pathOfNulByte(inner, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/**
 * Wraps, in place, every field that takes arguments so that a NUL character anywhere in them (variables,
 * literals, nested inputs, lists, entity representations) is refused as BAD_USER_INPUT before its
 * resolver runs. Built-in String cannot be replaced by a custom scalar, so this is the one place that
 * sees every text input of a subgraph.
 */
export function refuseNulBytes(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, context, info) => {
        for (const [name, value] of Object.entries(args)) {
          const path = pathOfNulByte(value, name);
          if (path) throw badInput(`${path} must not contain a NUL character (U+0000).`, path);
        }
        return resolve(source, args, context, info);
      };
    }
  }
}
