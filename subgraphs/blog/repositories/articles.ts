// The article aggregate: reads by id, pages, per-author lists and full-text search (each visible only to who may
// see it), and drafts, edits, the publishing life cycle and deletion, each event committed with its change
// (views are a counter, not an event).
import { and, count, desc, eq, getTableColumns, inArray, type SQL, sql } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { isId, type PageArgs } from "../../kit/validation.ts";
import { type ArticleRow, type ArticleStatus, articles } from "../db/schema.ts";
import { matches, rank, searchVector, storedTags } from "../search.ts";
import { type Reader, readableBy } from "../visibility.ts";

/** Every column but the search vector, which no caller needs and which is large. */
const { search: _search, ...articleColumns } = getTableColumns(articles);

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

export interface NewArticle {
  title: string;
  content: string;
  category: string;
  tags: string[];
}

export type ArticlePatch = Partial<NewArticle>;

/** Where an article may go, and from where: DRAFT → PUBLISHED → ARCHIVED → PUBLISHED again. */
export const TRANSITIONS = {
  PUBLISHED: ["DRAFT", "ARCHIVED"],
  ARCHIVED: ["PUBLISHED"],
} as const satisfies Record<string, readonly ArticleStatus[]>;

export type Target = keyof typeof TRANSITIONS;

export type TransitionOutcome =
  | { moved: true; article: ArticleRow }
  | { moved: false; current: ArticleStatus }
  | null;

const entity = (id: string) => ({ typename: "Article", id });

export function createArticlesRepository({ db, transact }: UnitOfWork) {
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

    create(authorId: string, input: NewArticle): Promise<ArticleRow> {
      return transact(async (tx, publish) => {
        const [row] = await tx
          .insert(articles)
          .values({
            ...input,
            authorId,
            search: searchVector(input.title, input.tags.join(" "), input.content),
          })
          .returning(articleColumns);
        const { id, title, category, tags } = row!;
        await publish({
          topic: Topics.ArticleCreated,
          key: authorId,
          payload: { entity: entity(id), articleId: id, authorId, title, category, tags },
        });
        return row!;
      });
    },

    /** Null when the article does not exist. The vector mixes new values with the stored ones. */
    update(id: string, patch: ArticlePatch): Promise<ArticleRow | null> {
      const search = searchVector(
        patch.title ?? articles.title,
        patch.tags ? patch.tags.join(" ") : storedTags,
        patch.content ?? articles.content,
      );
      return transact(async (tx, publish) => {
        const [row] = await tx
          .update(articles)
          .set({ ...patch, search, updatedAt: sql`now()` })
          .where(eq(articles.id, id))
          .returning(articleColumns);
        if (!row) return null;
        const { authorId, title, category, tags, status } = row;
        await publish({
          topic: Topics.ArticleUpdated,
          key: authorId,
          payload: { entity: entity(id), articleId: id, authorId, title, category, tags, status },
        });
        return row;
      });
    },

    /**
     * Moves the article only from a status allowed to reach `to` (checked in the UPDATE itself, so two
     * concurrent calls cannot both succeed) and announces it. `publishedAt` keeps the first publication.
     */
    transition(id: string, to: Target): Promise<TransitionOutcome> {
      return transact(async (tx, publish) => {
        const [row] = await tx
          .update(articles)
          .set({
            status: to,
            updatedAt: sql`now()`,
            ...(to === "PUBLISHED" ? { publishedAt: sql`coalesce(${articles.publishedAt}, now())` } : {}),
          })
          .where(and(eq(articles.id, id), inArray(articles.status, [...TRANSITIONS[to]])))
          .returning(articleColumns);
        if (!row) {
          const [current] = await tx
            .select({ status: articles.status })
            .from(articles)
            .where(eq(articles.id, id));
          return current ? { moved: false, current: current.status } : null;
        }
        if (to === "PUBLISHED") {
          await publish({
            topic: Topics.ArticlePublished,
            // Keyed by author: one author's articles share a partition, so subscribers get them in publish order.
            key: row.authorId,
            payload: {
              entity: entity(id),
              articleId: id,
              authorId: row.authorId,
              title: row.title,
              category: row.category,
              tags: row.tags,
              publishedAt: row.publishedAt!.toISOString(),
            },
          });
        } else {
          await publish({
            topic: Topics.ArticleArchived,
            key: row.authorId,
            payload: { entity: entity(id), articleId: id, authorId: row.authorId },
          });
        }
        return { moved: true, article: row };
      });
    },

    /** False when there was nothing to delete. */
    delete(id: string): Promise<boolean> {
      return transact(async (tx, publish) => {
        const [row] = await tx
          .delete(articles)
          .where(eq(articles.id, id))
          .returning({ id: articles.id, authorId: articles.authorId });
        if (!row) return false;
        await publish({
          topic: Topics.ArticleDeleted,
          key: row.authorId,
          payload: { entity: entity(id), articleId: id, authorId: row.authorId },
        });
        return true;
      });
    },
  };
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;
