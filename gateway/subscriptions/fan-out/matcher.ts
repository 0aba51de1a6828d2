// Whether one event goes to one subscription: its argument filters and who may see the event.
import { isAdmin, type Viewer } from "../../../platform/auth/tokens.ts";
import type { EventBinding } from "../planning/bindings.ts";

function sameValue(argument: unknown, payload: unknown): boolean {
  // Repeated payload fields (e.g. an article's tags) match when they contain the argument.
  if (Array.isArray(payload)) return payload.some((item) => sameValue(argument, item));
  if (payload === null || payload === undefined) return false;
  // IDs arrive as strings on one side and maybe numbers on the other; compare as GraphQL would serialize.
  return String(argument) === String(payload);
}

/** Every filter whose argument was given (not null) must equal its payload field. */
export function passesFilters(
  binding: EventBinding,
  args: Record<string, unknown>,
  fields: Record<string, unknown>,
) {
  return binding.filters.every(({ argument, field }) => {
    const wanted = args[argument];
    return wanted === null || wanted === undefined || sameValue(wanted, fields[field]);
  });
}

/** Owner-bound events reach their owner only, and every admin where the binding says so. */
export function mayReceive(
  binding: EventBinding,
  viewer: Viewer | null,
  fields: Record<string, unknown>,
): boolean {
  if (!binding.owner) return true;
  if (!viewer) return false;
  if (binding.adminSeesAll && isAdmin(viewer)) return true;
  const owner = fields[binding.owner];
  return owner !== undefined && owner !== null && owner !== "" && String(owner) === viewer.id;
}
