// Per-request batching: Article references become one query, and User.articles one query per status.
import DataLoader from "dataloader";
import type { ArticleRow, ArticleStatus } from "./db/schema.ts";
import type { BlogRepository } from "./repositories/index.ts";

export interface AuthorArticlesKey {
  authorId: string;
  status: ArticleStatus;
}

export function blogLoaders(repo: BlogRepository) {
  return {
    articleById: new DataLoader<string, ArticleRow | null>(async (ids) => {
      const rows = await repo.findByIds(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),

    // The gateway asks for many users' articles at once (one `_entities` fetch); one query per status serves them.
    articlesByAuthor: new DataLoader<AuthorArticlesKey, ArticleRow[], string>(
      async (keys) => {
        const statuses = [...new Set(keys.map((k) => k.status))];
        const lists = new Map<string, ArticleRow[]>();
        await Promise.all(
          statuses.map(async (status) => {
            const authorIds = [...new Set(keys.filter((k) => k.status === status).map((k) => k.authorId))];
            for (const row of await repo.listByAuthors(authorIds, status)) {
              const key = `${status}:${row.authorId}`;
              const list = lists.get(key);
              if (list) list.push(row);
              else lists.set(key, [row]);
            }
          }),
        );
        return keys.map((k) => lists.get(`${k.status}:${k.authorId}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.status}:${k.authorId}` },
    ),
  };
}

export type BlogLoaders = ReturnType<typeof blogLoaders>;
