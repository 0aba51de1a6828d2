// feed's tables: posts, follows, the users projection, the event-sourced timeline and notifications.
import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

export * from "../../../events/outbox/schema.ts";

// Millisecond precision everywhere: cursors carry JavaScript Dates, which must round-trip exactly.
const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const posts = pgTable(
  "posts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    authorId: uuid("author_id").notNull(),
    message: text("message").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("posts_author_created_idx").on(t.authorId, t.createdAt.desc(), t.id.desc()),
    index("posts_created_idx").on(t.createdAt.desc(), t.id.desc()),
  ],
);

export const follows = pgTable(
  "follows",
  {
    followerId: uuid("follower_id").notNull(),
    followeeId: uuid("followee_id").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followeeId] }),
    index("follows_followee_idx").on(t.followeeId, t.followerId),
  ],
);

/** What feed knows of accounts' users, kept from accounts.user.* events. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    /** Only accounts.user.registered carries it; used as the email address of the notification channel. */
    email: text("email"),
    roles: text("roles").array().notNull().default(sql`'{}'::text[]`),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [index("users_admin_idx").on(t.id).where(sql`'ADMIN' = any(${t.roles})`)],
);

/** catalog's product names, kept from catalog.product.* events, so notifications name products as people do. */
export const productNames = pgTable("product_names", {
  id: uuid("id").primaryKey(),
  name: text("name").notNull(),
  /** When catalog wrote the event applied last: created and updated may arrive out of order. */
  sourceTime: at("source_time").notNull(),
});

/** Posts and published articles as they appear on timelines, built only from events. */
export const timelineEntries = pgTable(
  "timeline_entries",
  {
    kind: text("kind", { enum: ["POST", "ARTICLE"] }).notNull(),
    itemId: uuid("item_id").notNull(),
    authorId: uuid("author_id").notNull(),
    publishedAt: at("published_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.itemId] }),
    index("timeline_author_published_idx").on(t.authorId, t.publishedAt.desc(), t.itemId.desc()),
  ],
);

export const NOTIFICATION_KINDS = ["ORDER_STATUS", "NEW_FOLLOWER", "ARTICLE_PUBLISHED", "LOW_STOCK"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").notNull(),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    message: text("message").notNull(),
    orderId: uuid("order_id"),
    articleId: uuid("article_id"),
    productId: uuid("product_id"),
    actorId: uuid("actor_id"),
    read: boolean("read").notNull().default(false),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("notifications_user_created_idx").on(t.userId, t.createdAt.desc(), t.id.desc()),
    index("notifications_user_unread_idx").on(t.userId).where(sql`not ${t.read}`),
  ],
);

export type PostRow = typeof posts.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type TimelineEntryRow = typeof timelineEntries.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
