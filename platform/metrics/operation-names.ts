// Keeps the `operation` label's values bounded: clients choose operation names, and every new value is a
// new series held in memory until the process ends.

/** Operations that never ran (parse, validation, limit or rate-limit refusals): their name is unchecked. */
export const NOT_EXECUTED = "refused";
/** Executed operations with a name beyond the first `max` this process has seen. */
export const OVERFLOW = "other";
export const ANONYMOUS = "anonymous";
export const DEFAULT_MAX_OPERATION_NAMES = 100;

/** One set per process, as the registry is: several servers in one process (tests) share the cap. */
const seen = new Set<string>();

/** The label for an executed operation's name: itself while there is room or it is already known. */
export function operationLabel(name: string | null | undefined, max: number): string {
  if (!name) return ANONYMOUS;
  if (seen.has(name)) return name;
  if (seen.size >= max) return OVERFLOW;
  seen.add(name);
  return name;
}
