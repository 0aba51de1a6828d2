// blog's writes: drafts, edits, the publishing life cycle and deletion, each event committed with its change.
import { and, eq, inArray, sql } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { type ArticleRow, type ArticleStatus, articles } from "../db/schema.ts";
import { searchVector, storedTags } from "../search.ts";
import { articleColumns } from "./article-reads.ts";

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

export function articleCommands({ db, transact }: UnitOfWork) {
  return {
    async create(authorId: string, input: NewArticle): Promise<ArticleRow> {
      const [row] = await db
        .insert(articles)
        .values({
          ...input,
          authorId,
          search: searchVector(input.title, input.tags.join(" "), input.content),
        })
        .returning(articleColumns);
      return row!;
    },

    /** Null when the article does not exist. The vector mixes new values with the stored ones. */
    async update(id: string, patch: ArticlePatch): Promise<ArticleRow | null> {
      const search = searchVector(
        patch.title ?? articles.title,
        patch.tags ? patch.tags.join(" ") : storedTags,
        patch.content ?? articles.content,
      );
      const [row] = await db
        .update(articles)
        .set({ ...patch, search, updatedAt: sql`now()` })
        .where(eq(articles.id, id))
        .returning(articleColumns);
      return row ?? null;
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
            key: id,
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
            key: id,
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
          key: id,
          payload: { entity: entity(id), articleId: id, authorId: row.authorId },
        });
        return true;
      });
    },
  };
}
