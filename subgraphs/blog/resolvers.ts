// blog's resolvers: validate, authorize, call the repository; visibility rules live in visibility.ts.
import { conflict, forbidden, notFound, unauthenticated } from "../../platform/errors.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { requireViewer } from "../kit/guards.ts";
import { recordSideEffect } from "../kit/side-effects.ts";
import { id, isId, pageArgs, pageInfo, text } from "../kit/validation.ts";
import type { ArticleRow, ArticleStatus } from "./db/schema.ts";
import type { BlogLoaders } from "./loaders.ts";
import type { Target } from "./repositories/articles.ts";
import type { BlogRepository } from "./repositories/index.ts";
import {
  type CreateArticleInput,
  type UpdateArticleInput,
  validNewArticle,
  validPatch,
} from "./validation.ts";
import { canChange, canList, canRead, readerOf } from "./visibility.ts";

type Context = SubgraphContext<BlogLoaders>;

interface ListArgs {
  page: number;
  perPage: number;
  status?: ArticleStatus | null;
  category?: string | null;
  author?: string | null;
}

const toGraphQL = (a: ArticleRow) => ({ ...a, __typename: "Article" as const });

/** Loads an article without counting a view; null when missing or hidden from this viewer. */
async function visibleArticle(rawId: string, ctx: Context) {
  if (!isId(rawId)) return null;
  const article = await ctx.loaders.articleById.load(rawId.toLowerCase());
  return article && canRead(readerOf(ctx.viewer), article) ? toGraphQL(article) : null;
}

/** The article the signed-in viewer wants to change, if it exists and they are its author or an admin. */
async function ownArticle(rawId: string, ctx: Context): Promise<ArticleRow> {
  const article = await ctx.loaders.articleById.load(id(rawId, "id"));
  if (!article) throw notFound("Article", rawId);
  if (!canChange(readerOf(ctx.viewer), article))
    throw forbidden("Only the article's author or an admin may change it.");
  return article;
}

function remember(ctx: Context, article: ArticleRow) {
  ctx.loaders.articleById.clear(article.id).prime(article.id, article);
  return toGraphQL(article);
}

export function blogResolvers(repo: BlogRepository) {
  async function move(rawId: string, to: Target, ctx: Context) {
    requireViewer(ctx);
    const article = await ownArticle(rawId, ctx);
    const outcome = await repo.transition(article.id, to);
    if (!outcome) throw notFound("Article", rawId);
    if (!outcome.moved) throw conflict(`A ${outcome.current} article cannot become ${to}.`);
    return remember(ctx, outcome.article);
  }

  return {
    Query: {
      article: async (_: unknown, args: { id: string }, ctx: Context) => {
        if (!isId(args.id)) return null;
        // Marked whether or not a view was counted: the same request by another caller might count one.
        recordSideEffect(ctx);
        const article = await repo.read(args.id.toLowerCase(), readerOf(ctx.viewer));
        return article ? remember(ctx, article) : null;
      },

      articleById: (_: unknown, args: { id: string }, ctx: Context) => visibleArticle(args.id, ctx),

      articles: async (_: unknown, args: ListArgs, ctx: Context) => {
        const page = pageArgs(args.page, args.perPage);
        const { items, totalItems } = await repo.list(args, readerOf(ctx.viewer), page);
        return { items: items.map(toGraphQL), pageInfo: pageInfo(page, totalItems) };
      },

      searchArticles: async (_: unknown, args: { q: string; page: number; perPage: number }) => {
        const q = text(args.q, "q", { max: 200 });
        const page = pageArgs(args.page, args.perPage);
        const { items, totalItems } = await repo.search(q, page);
        return { items: items.map(toGraphQL), pageInfo: pageInfo(page, totalItems) };
      },
    },

    Mutation: {
      createArticle: async (_: unknown, args: { input: CreateArticleInput }, ctx: Context) => {
        requireViewer(ctx);
        const input = validNewArticle(args.input);
        const authorId = readerOf(ctx.viewer).id;
        if (!authorId) throw unauthenticated("The access token does not name a user; sign in again.");
        return remember(ctx, await repo.create(authorId, input));
      },

      updateArticle: async (_: unknown, args: { id: string; input: UpdateArticleInput }, ctx: Context) => {
        requireViewer(ctx);
        const patch = validPatch(args.input);
        const article = await ownArticle(args.id, ctx);
        const updated = await repo.update(article.id, patch);
        if (!updated) throw notFound("Article", args.id);
        return remember(ctx, updated);
      },

      deleteArticle: async (_: unknown, args: { id: string }, ctx: Context) => {
        requireViewer(ctx);
        const article = await ownArticle(args.id, ctx);
        if (!(await repo.delete(article.id))) throw notFound("Article", args.id);
        ctx.loaders.articleById.clear(article.id);
        return true;
      },

      publishArticle: (_: unknown, args: { id: string }, ctx: Context) => move(args.id, "PUBLISHED", ctx),

      archiveArticle: (_: unknown, args: { id: string }, ctx: Context) => move(args.id, "ARCHIVED", ctx),
    },

    Article: {
      __resolveReference: (ref: { id: string }, ctx: Context) => visibleArticle(ref.id, ctx),
      author: (article: ArticleRow) => ({ __typename: "User" as const, id: article.authorId }),
    },

    User: {
      articles: async (user: { id: string }, args: { status?: ArticleStatus | null }, ctx: Context) => {
        const status = args.status ?? "PUBLISHED";
        if (!isId(user.id) || !canList(readerOf(ctx.viewer), user.id.toLowerCase(), status)) return [];
        const rows = await ctx.loaders.articlesByAuthor.load({ authorId: user.id.toLowerCase(), status });
        return rows.map(toGraphQL);
      },
    },
  };
}
