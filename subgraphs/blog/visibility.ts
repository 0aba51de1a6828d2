// Who may see which article: published ones are public, drafts and archived ones belong to their author and admins.
import { eq, or, type SQL } from "drizzle-orm";
import { isAdmin, type Viewer } from "../../platform/auth/tokens.ts";
import { isId } from "../kit/validation.ts";
import { type ArticleRow, type ArticleStatus, articles } from "./db/schema.ts";

/** The viewer as the blog needs it; an id that is no UUID can own no article, so it counts as anonymous. */
export interface Reader {
  id: string | null;
  admin: boolean;
}

export const ANONYMOUS: Reader = { id: null, admin: false };

export function readerOf(viewer: Viewer | null): Reader {
  if (!viewer) return ANONYMOUS;
  return { id: isId(viewer.id) ? viewer.id.toLowerCase() : null, admin: isAdmin(viewer) };
}

export function canRead(reader: Reader, article: Pick<ArticleRow, "status" | "authorId">): boolean {
  return article.status === "PUBLISHED" || reader.admin || article.authorId === reader.id;
}

/** Only the author or an admin changes an article (ids compared in canonical lowercase form). */
export function canChange(reader: Reader, article: Pick<ArticleRow, "authorId">): boolean {
  return reader.admin || article.authorId === reader.id;
}

/** Whether the reader may list this author's articles in this status (null means PUBLISHED). */
export function canList(reader: Reader, authorId: string, status: ArticleStatus | null): boolean {
  return canRead(reader, { status: status ?? "PUBLISHED", authorId });
}

/** The same rule as `canRead`, as a WHERE condition; undefined means no restriction. */
export function readableBy(reader: Reader): SQL | undefined {
  if (reader.admin) return undefined;
  const published = eq(articles.status, "PUBLISHED");
  return reader.id ? or(published, eq(articles.authorId, reader.id)) : published;
}
