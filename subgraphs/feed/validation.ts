// feed's input rules: post messages, notification pages and ids, each failure naming its field. Cursors are
// checked where they are decoded (cursor.ts).
import { badInput } from "../../platform/errors.ts";
import { intInRange } from "../kit/validation.ts";

const MAX_MESSAGE_LENGTH = 280;
const MAX_IDS = 1000;

/** Counted in characters as people see them (code points), so an emoji is one, not two. */
export function postMessage(value: string): string {
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length < 1) throw badInput("message must not be empty.", "message");
  if (length > MAX_MESSAGE_LENGTH)
    throw badInput(`message must have at most ${MAX_MESSAGE_LENGTH} characters.`, "message");
  return trimmed;
}

export function notificationCount(first: number): number {
  return intInRange(first, "first", 1, 100);
}

/** Lower-cased and without repeats; null (every unread notification) stays null. */
export function notificationIds(ids: readonly string[] | null | undefined): string[] | null {
  if (!ids) return null;
  if (ids.length > MAX_IDS) throw badInput(`ids may name at most ${MAX_IDS} notifications at once.`, "ids");
  return [...new Set(ids.map((i) => i.toLowerCase()))];
}
