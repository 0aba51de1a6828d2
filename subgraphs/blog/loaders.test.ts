import { describe, expect, it } from "vitest";
import type { ArticleRow, ArticleStatus } from "./db/schema.ts";
import { createLoaders } from "./loaders.ts";
import type { ArticlesRepository } from "./repositories/articles.ts";

const row = (id: string, authorId: string, status: ArticleStatus = "PUBLISHED") =>
  ({ id, authorId, status, title: id }) as ArticleRow;

/** A repository that records each query it is asked, so batching is visible. */
function recordingRepo(rows: ArticleRow[]) {
  const calls: string[] = [];
  const repo = {
    async findByIds(ids: readonly string[]) {
      calls.push(`findByIds ${[...ids].sort().join(",")}`);
      return rows.filter((r) => ids.includes(r.id));
    },
    async listByAuthors(authorIds: readonly string[], status: ArticleStatus) {
      calls.push(`listByAuthors ${status} ${[...authorIds].sort().join(",")}`);
      return rows.filter((r) => authorIds.includes(r.authorId) && r.status === status);
    },
  } as Partial<ArticlesRepository> as ArticlesRepository;
  return { repo, calls };
}

describe("blog loaders", () => {
  it("turns one fetch's article references into one query", async () => {
    const { repo, calls } = recordingRepo([row("a1", "u1"), row("a2", "u2")]);
    const loaders = createLoaders({ articles: repo });
    const found = await Promise.all(["a1", "a2", "a1", "missing"].map((id) => loaders.articleById.load(id)));
    expect(found.map((a) => a?.id ?? null)).toEqual(["a1", "a2", "a1", null]);
    expect(calls).toEqual(["findByIds a1,a2,missing"]);
  });

  it("serves many users' article lists with one query per status", async () => {
    const { repo, calls } = recordingRepo([
      row("a1", "u1"),
      row("a2", "u1"),
      row("a3", "u2"),
      row("d1", "u1", "DRAFT"),
    ]);
    const loaders = createLoaders({ articles: repo });
    const lists = await Promise.all([
      loaders.articlesByAuthor.load({ authorId: "u1", status: "PUBLISHED" }),
      loaders.articlesByAuthor.load({ authorId: "u2", status: "PUBLISHED" }),
      loaders.articlesByAuthor.load({ authorId: "u3", status: "PUBLISHED" }),
      loaders.articlesByAuthor.load({ authorId: "u1", status: "DRAFT" }),
    ]);
    expect(lists.map((l) => l.map((a) => a.id))).toEqual([["a1", "a2"], ["a3"], [], ["d1"]]);
    expect(calls.sort()).toEqual(["listByAuthors DRAFT u1", "listByAuthors PUBLISHED u1,u2,u3"]);
  });
});
