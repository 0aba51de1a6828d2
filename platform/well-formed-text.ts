// Finds text that is not valid Unicode (a lone UTF-16 surrogate) in a GraphQL request, so it is refused as the
// caller's mistake before anything runs. JSON allows "\ud800" and JavaScript strings hold it, but UTF-8 cannot
// encode it: Postgres refused such a post with an internal error that showed the SQL in development.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

export interface MalformedText {
  /** Where: `variables.input.tags.1`, or `query` for the document itself. */
  path: string;
  /** The offending code unit, e.g. `U+D800`. */
  codeUnit: string;
  /** In the document: where the literal is. */
  location?: { line: number; column: number };
}

const codeUnitName = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;

/** The first string (or object key) inside a JSON value holding a lone surrogate, with its path. */
export function malformedInValue(value: unknown, path: string): MalformedText | null {
  if (typeof value === "string") {
    const found = LONE_SURROGATE.exec(value);
    return found ? { path, codeUnit: codeUnitName(found[0].charCodeAt(0)) } : null;
  }
  if (value === null || typeof value !== "object") return null;
  for (const [key, inner] of Object.entries(value)) {
    const keyFound = LONE_SURROGATE.exec(key);
    if (keyFound) return { path: `${path}.${key}`, codeUnit: codeUnitName(keyFound[0].charCodeAt(0)) };
    const found = malformedInValue(inner, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

function locationOf(source: string, index: number): { line: number; column: number } {
  const before = source.slice(0, index).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** `\uXXXX` or `\u{X…}` at `at` (pointing at the backslash): its value and length, or null if malformed. */
function unicodeEscape(source: string, at: number): { code: number; length: number } | null {
  if (source[at + 2] === "{") {
    const end = source.indexOf("}", at + 3);
    const hex = end < 0 ? "" : source.slice(at + 3, end);
    return /^[0-9a-fA-F]{1,8}$/.test(hex) ? { code: Number.parseInt(hex, 16), length: end - at + 1 } : null;
  }
  const hex = source.slice(at + 2, at + 6);
  return /^[0-9a-fA-F]{4}$/.test(hex) ? { code: Number.parseInt(hex, 16), length: 6 } : null;
}

/**
 * A lone surrogate in a GraphQL document: raw anywhere, or written as an escape in a string literal (a high
 * escape followed by a low one is a valid pair). Block strings have no escapes and comments are skipped.
 * Everything else that is malformed is left to the parser, which says so with GRAPHQL_PARSE_FAILED.
 */
export function malformedInDocument(source: string): MalformedText | null {
  const raw = LONE_SURROGATE.exec(source);
  if (raw) {
    return {
      path: "query",
      codeUnit: codeUnitName(raw[0].charCodeAt(0)),
      location: locationOf(source, raw.index),
    };
  }
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (char === "#") {
      while (i < source.length && source[i] !== "\n" && source[i] !== "\r") i++;
    } else if (source.startsWith('"""', i)) {
      i += 3;
      while (i < source.length && !source.startsWith('"""', i)) i += source.startsWith('\\"""', i) ? 4 : 1;
      i += 3;
    } else if (char === '"') {
      i++;
      while (i < source.length && source[i] !== '"' && source[i] !== "\n" && source[i] !== "\r") {
        if (source[i] !== "\\") {
          i++;
          continue;
        }
        const unicode = source[i + 1] === "u" ? unicodeEscape(source, i) : null;
        if (!unicode) {
          i += 2;
          continue;
        }
        // Only the fixed-width form pairs: `\uD83D\uDE00` is one character, `\u{D83D}` is never valid.
        const pairs = unicode.length === 6 && isHigh(unicode.code) && source.startsWith("\\u", i + 6);
        const next = pairs ? unicodeEscape(source, i + 6) : null;
        if (next && next.length === 6 && isLow(next.code)) {
          i += unicode.length + next.length;
        } else if (isHigh(unicode.code) || isLow(unicode.code)) {
          return { path: "query", codeUnit: codeUnitName(unicode.code), location: locationOf(source, i) };
        } else {
          i += unicode.length;
        }
      }
      i++;
    } else {
      i++;
    }
  }
  return null;
}

export interface GraphQLRequestText {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** The first lone surrogate in a request's document, operation name, variables or extensions. */
export function malformedInRequest(request: GraphQLRequestText): MalformedText | null {
  return (
    (typeof request.query === "string" ? malformedInDocument(request.query) : null) ??
    malformedInValue(request.operationName, "operationName") ??
    malformedInValue(request.variables, "variables") ??
    malformedInValue(request.extensions, "extensions")
  );
}

/** A sentence the caller can act on. */
export function describeMalformedText(found: MalformedText): string {
  const where = found.location
    ? `The document (line ${found.location.line}, column ${found.location.column})`
    : found.path;
  return `${where} holds a lone UTF-16 surrogate (${found.codeUnit}): text must be valid Unicode.`;
}
