// Per-request batching: Article references become one query, and User.articles one query per status.
import DataLoader from "dataloader";
import type { SubgraphContext } from "../kit/context.ts";
import type { ArticleRow, ArticleStatus } from "./db/schema.ts";
import type { Repositories } from "./repositories/index.ts";

export interface AuthorArticlesKey {
  authorId: string;
  status: ArticleStatus;
}

export function createLoaders({ articles }: Repositories) {
  return {
    articleById: new DataLoader<string, ArticleRow | null>(async (ids) => {
      const rows = await articles.findByIds(ids);
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
            for (const row of await articles.listByAuthors(authorIds, status)) {
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

export type Loaders = ReturnType<typeof createLoaders>;
export type Context = SubgraphContext<Loaders>;
