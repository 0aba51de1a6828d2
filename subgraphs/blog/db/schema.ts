// blog's tables: the articles it owns, with their full-text search vector, plus the outbox every subgraph carries.
import { sql } from "drizzle-orm";
import { check, customType, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export * from "../../../events/outbox/schema.ts";

export const ARTICLE_STATUSES = ["DRAFT", "PUBLISHED", "ARCHIVED"] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** Postgres' tsvector; drizzle has no built-in type for it. Only ever written through `searchVector`. */
const tsvector = customType<{ data: string }>({
  dataType: () => "tsvector",
});

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const articles = pgTable(
  "articles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    authorId: uuid("author_id").notNull(),
    title: text("title").notNull(),
    content: text("content").notNull(),
    category: text("category").notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    status: text("status", { enum: ARTICLE_STATUSES }).notNull().default("DRAFT"),
    viewsCount: integer("views_count").notNull().default(0),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    publishedAt: timestamptz("published_at"),
    // Not a GENERATED column: array_to_string (for the tags) is not immutable, so every write
    // computes the vector in its own statement instead (see search.ts).
    search: tsvector("search").notNull(),
  },
  (t) => [
    check("articles_status_known", sql`${t.status} in ('DRAFT', 'PUBLISHED', 'ARCHIVED')`),
    index("articles_search_idx").using("gin", t.search),
    index("articles_status_published_idx").on(t.status, t.publishedAt),
    index("articles_author_status_idx").on(t.authorId, t.status, t.createdAt),
    index("articles_category_status_idx").on(t.category, t.status, t.publishedAt),
  ],
);

export type ArticleRow = Omit<typeof articles.$inferSelect, "search">;
