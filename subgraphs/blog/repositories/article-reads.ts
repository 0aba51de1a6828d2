// blog's reads: articles by id, pages, per-author lists and full-text search, each visible only to who may see it.
import { and, count, desc, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../kit/database.ts";
import { isId, type PageArgs } from "../../kit/validation.ts";
import { type ArticleRow, type ArticleStatus, articles } from "../db/schema.ts";
import { matches, rank } from "../search.ts";
import { type Reader, readableBy } from "../visibility.ts";

/** Every column but the search vector, which no caller needs and which is large. */
const { search: _search, ...columns } = getTableColumns(articles);
export const articleColumns = columns;

export interface ArticleFilter {
  status?: ArticleStatus | null;
  category?: string | null;
  author?: string | null;
}

export interface Page<T> {
  items: T[];
  totalItems: number;
}

const EMPTY: Page<never> = { items: [], totalItems: 0 };

/** Newest first: by publication for published articles, by creation for drafts and archived ones. */
function newestFirst(status: ArticleStatus): SQL[] {
  return status === "PUBLISHED"
    ? [desc(articles.publishedAt), desc(articles.createdAt), desc(articles.id)]
    : [desc(articles.createdAt), desc(articles.id)];
}

export function articleQueries(db: Db) {
  async function page(where: SQL | undefined, orderBy: SQL[], args: PageArgs): Promise<Page<ArticleRow>> {
    const [items, [total]] = await Promise.all([
      db
        .select(articleColumns)
        .from(articles)
        .where(where)
        .orderBy(...orderBy)
        .limit(args.perPage)
        .offset(args.offset),
      db.select({ value: count() }).from(articles).where(where),
    ]);
    return { items, totalItems: total?.value ?? 0 };
  }

  return {
    /** No visibility applied: callers (loaders, mutations) decide what the viewer may see. */
    async findByIds(ids: readonly string[]): Promise<ArticleRow[]> {
      if (ids.length === 0) return [];
      return db
        .select(articleColumns)
        .from(articles)
        .where(inArray(articles.id, [...ids]));
    },

    /** One counted read: the view is added only when the reader may see the article, in the same statement. */
    async read(id: string, reader: Reader): Promise<ArticleRow | null> {
      const [row] = await db
        .update(articles)
        .set({ viewsCount: sql`${articles.viewsCount} + 1` })
        .where(and(eq(articles.id, id), readableBy(reader)))
        .returning(articleColumns);
      return row ?? null;
    },

    /** No status means PUBLISHED; drafts and archived articles list only the reader's own (all for admins). */
    async list(filter: ArticleFilter, reader: Reader, args: PageArgs): Promise<Page<ArticleRow>> {
      const status = filter.status ?? "PUBLISHED";
      const conditions: SQL[] = [eq(articles.status, status)];
      if (status !== "PUBLISHED" && !reader.admin) {
        if (!reader.id) return EMPTY;
        conditions.push(eq(articles.authorId, reader.id));
      }
      if (filter.category) conditions.push(eq(articles.category, filter.category));
      if (filter.author) {
        if (!isId(filter.author)) return EMPTY;
        conditions.push(eq(articles.authorId, filter.author.toLowerCase()));
      }
      return page(and(...conditions), newestFirst(status), args);
    },

    /** Many authors' articles in one status, in one query; the caller has checked who may see them. */
    async listByAuthors(authorIds: readonly string[], status: ArticleStatus): Promise<ArticleRow[]> {
      if (authorIds.length === 0) return [];
      return db
        .select(articleColumns)
        .from(articles)
        .where(and(inArray(articles.authorId, [...authorIds]), eq(articles.status, status)))
        .orderBy(...newestFirst(status));
    },

    /** Published articles matching `q`, best rank first, ties newest first. */
    search(q: string, args: PageArgs): Promise<Page<ArticleRow>> {
      const where = and(eq(articles.status, "PUBLISHED"), matches(q));
      return page(where, [desc(rank(q)), ...newestFirst("PUBLISHED")], args);
    },
  };
}
