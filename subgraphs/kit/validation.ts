// Input checks that answer BAD_USER_INPUT naming the field, before anything is written.
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
