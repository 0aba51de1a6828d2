// Per-request batching: every entity reference and every User list field in one gateway fetch is one query.
import DataLoader from "dataloader";
import type { SubgraphContext } from "../kit/context.ts";
import { type CursorPage, encodeCursor } from "./cursor.ts";
import type { NotificationRow, PostRow } from "./db/schema.ts";
import type { Repositories } from "./repositories/index.ts";

function byId<Row extends { id: string }>(ids: readonly string[], rows: Row[]): (Row | null)[] {
  const found = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => found.get(id) ?? null);
}

const pageKey = (page: CursorPage) => `${page.first}|${page.after ? encodeCursor(page.after) : ""}`;

export interface AuthorPageKey {
  authorId: string;
  page: CursorPage;
}

/** User.posts for many users: one query per distinct (first, after), which in practice is one. */
async function postsForAuthors(repo: Repositories, keys: readonly AuthorPageKey[]): Promise<PostRow[][]> {
  const groups = new Map<string, { page: CursorPage; authorIds: Set<string> }>();
  for (const { authorId, page } of keys) {
    const key = pageKey(page);
    const group = groups.get(key) ?? { page, authorIds: new Set<string>() };
    group.authorIds.add(authorId);
    groups.set(key, group);
  }
  const results = new Map<string, Map<string, PostRow[]>>();
  await Promise.all(
    [...groups].map(async ([key, group]) => {
      results.set(key, await repo.posts.listForAuthors([...group.authorIds], group.page));
    }),
  );
  return keys.map(({ authorId, page }) => results.get(pageKey(page))?.get(authorId) ?? []);
}

export function createLoaders(repo: Repositories) {
  return {
    postById: new DataLoader<string, PostRow | null>(async (ids) =>
      byId(ids, await repo.posts.findByIds(ids)),
    ),
    notificationById: new DataLoader<string, NotificationRow | null>(async (ids) =>
      byId(ids, await repo.notifications.findByIds(ids)),
    ),
    postsByAuthor: new DataLoader<AuthorPageKey, PostRow[], string>((keys) => postsForAuthors(repo, keys), {
      cacheKeyFn: ({ authorId, page }) => `${authorId}|${pageKey(page)}`,
    }),
    followerIds: new DataLoader<string, string[]>(async (ids) => {
      const found = await repo.follows.followersOf(ids);
      return ids.map((id) => found.get(id) ?? []);
    }),
    followingIds: new DataLoader<string, string[]>(async (ids) => {
      const found = await repo.follows.followingOf(ids);
      return ids.map((id) => found.get(id) ?? []);
    }),
    followerCount: new DataLoader<string, number>(async (ids) => {
      const found = await repo.follows.followerCounts(ids);
      return ids.map((id) => found.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders>;
