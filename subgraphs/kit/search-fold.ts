// Search that ignores accents, case and character width: "CREME" finds "Crème", "ｃａｆｅ" finds "Café".
// The same folding runs in SQL (on stored text) and here (on what users type), on PGlite and Postgres alike,
// without the unaccent extension, which a managed Postgres may not offer.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

const COMBINING_MARKS = /\p{M}/gu;

/** Compatibility decomposition (width, ligatures), then accents dropped, then lower case. */
export function foldText(value: string): string {
  return value.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
}

/**
 * The SQL twin of foldText for stored text. Postgres' regular expressions know no \p{M}: the combining
 * diacritical marks block is what NFKD leaves of Latin, Greek and Cyrillic accents.
 */
export function foldSql(value: SQLWrapper | SQL): SQL {
  return sql`lower(regexp_replace(normalize(${value}, NFKD), '[\\u0300-\\u036f]', '', 'g'))`;
}
