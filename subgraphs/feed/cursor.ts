// Opaque keyset cursors: base64url of (timestamp, id), the position of the last item of a page.
import { badInput } from "../../platform/errors.ts";
import { intInRange, isId } from "../kit/validation.ts";

export interface Cursor {
  at: Date;
  id: string;
}

export interface CursorPage {
  first: number;
  after: Cursor | null;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** A cursor this API did not hand out is the client's mistake, so it is BAD_USER_INPUT, not a crash. */
export function decodeCursor(value: string, field = "after"): Cursor {
  const invalid = () => badInput(`${field} is not a cursor returned by this API.`, field);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) throw invalid();
  const [iso, id, ...rest] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || !iso || !id || !isId(id)) throw invalid();
  const at = new Date(iso);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== iso) throw invalid();
  return { at, id: id.toLowerCase() };
}

export function cursorPage(first: number, after: string | null | undefined, maxFirst = 100): CursorPage {
  return {
    first: intInRange(first, "first", 1, maxFirst),
    after: after ? decodeCursor(after) : null,
  };
}

/** Repositories fetch first + 1 rows; the extra one only says whether another page exists. */
export function connection<Row, Node>(
  rows: Row[],
  first: number,
  position: (row: Row) => Cursor,
  toNode: (row: Row) => Node,
) {
  const page = rows.slice(0, first);
  const last = page.at(-1);
  return {
    nodes: page.map(toNode),
    pageInfo: { endCursor: last ? encodeCursor(position(last)) : null, hasNextPage: rows.length > first },
  };
}
