// Posts: publish and delete with their events, read newest first with keyset paging, one author or many.
import { and, desc, eq, getTableColumns, inArray, lte, sql } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import type { CursorPage } from "../cursor.ts";
import { type PostRow, posts } from "../db/schema.ts";
import { before } from "./keyset.ts";

const newestFirst = [desc(posts.createdAt), desc(posts.id)];

export function createPostsRepository({ db, transact }: UnitOfWork) {
  return {
    async findByIds(ids: readonly string[]): Promise<PostRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(posts)
        .where(inArray(posts.id, [...ids]));
    },

    /** first + 1 rows, so the caller can tell whether another page follows. */
    async list(authorId: string | null, page: CursorPage): Promise<PostRow[]> {
      return db
        .select()
        .from(posts)
        .where(
          and(
            authorId ? eq(posts.authorId, authorId) : undefined,
            before(posts.createdAt, posts.id, page.after),
          ),
        )
        .orderBy(...newestFirst)
        .limit(page.first + 1);
    },

    /** The same page for many authors in one query (User.posts across a gateway batch): first + 1 each. */
    async listForAuthors(authorIds: readonly string[], page: CursorPage): Promise<Map<string, PostRow[]>> {
      const byAuthor = new Map<string, PostRow[]>(authorIds.map((id) => [id, []]));
      if (authorIds.length === 0) return byAuthor;
      const ranked = db
        .select({
          ...getTableColumns(posts),
          rank: sql<number>`row_number() over (partition by ${posts.authorId} order by ${posts.createdAt} desc, ${posts.id} desc)`.as(
            "rank",
          ),
        })
        .from(posts)
        .where(and(inArray(posts.authorId, [...authorIds]), before(posts.createdAt, posts.id, page.after)))
        .as("ranked");
      const rows = await db
        .select()
        .from(ranked)
        .where(lte(ranked.rank, page.first + 1))
        .orderBy(desc(ranked.createdAt), desc(ranked.id));
      for (const { rank: _, ...row } of rows) byAuthor.get(row.authorId)?.push(row);
      return byAuthor;
    },

    publish(authorId: string, message: string): Promise<PostRow> {
      return transact(async (tx, publish) => {
        const [row] = await tx.insert(posts).values({ authorId, message }).returning();
        const post = row!;
        await publish({
          topic: Topics.PostPublished,
          // By author: one author's posts share a partition, so subscribers and replays see them in order.
          key: authorId,
          payload: {
            entity: { typename: "Post", id: post.id },
            postId: post.id,
            authorId,
            message,
            createdAt: post.createdAt.toISOString(),
          },
        });
        return post;
      });
    },

    /**
     * Deletes a post if `authorize` (which sees the locked row) does not throw; a throw writes nothing.
     * False when there is no such post.
     */
    delete(id: string, authorize: (post: PostRow) => void): Promise<boolean> {
      return transact(async (tx, publish) => {
        const [post] = await tx.select().from(posts).where(eq(posts.id, id)).for("update");
        if (!post) return false;
        authorize(post);
        await tx.delete(posts).where(eq(posts.id, id));
        await publish({
          topic: Topics.PostDeleted,
          key: post.authorId,
          payload: { entity: { typename: "Post", id }, postId: id, authorId: post.authorId },
        });
        return true;
      });
    },
  };
}

export type PostsRepository = ReturnType<typeof createPostsRepository>;
