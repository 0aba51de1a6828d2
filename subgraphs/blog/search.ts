// Full-text search SQL: the weighted English vector every write stores, and the query users type.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { foldSql, foldText } from "../kit/search-fold.ts";
import { articles } from "./db/schema.ts";

/** A new value (a parameter) or, in an UPDATE, the column's current value. */
type Source = string | SQLWrapper;

/** Folded (accents, case, width) before stemming, so "CREME" finds "Crème" (kit/search-fold.ts). */
const asText = (source: Source) =>
  foldSql(typeof source === "string" ? sql`${source}::text` : sql`${source}`);

/**
 * Title weighs most (A), then tags (B), then the body (C); `english` stems, so "running" finds "run".
 * Tags arrive already joined with spaces, or as `array_to_string` of the stored column.
 */
export function searchVector(title: Source, tags: Source, content: Source): SQL {
  return sql`setweight(to_tsvector('english', ${asText(title)}), 'A')
    || setweight(to_tsvector('english', ${asText(tags)}), 'B')
    || setweight(to_tsvector('english', ${asText(content)}), 'C')`;
}

export const storedTags = sql`array_to_string(${articles.tags}, ' ')`;

/** What people type into search boxes: quoted phrases, `or`, `-excluded`; never a syntax error. */
export const webQuery = (q: string) => sql`websearch_to_tsquery('english', ${foldText(q)}::text)`;

export const matches = (q: string) => sql`${articles.search} @@ ${webQuery(q)}`;

export const rank = (q: string) => sql<number>`ts_rank(${articles.search}, ${webQuery(q)})`;
