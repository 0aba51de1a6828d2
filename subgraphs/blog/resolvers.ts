// blog's resolvers: validate, authorize, call the repository; visibility rules live in visibility.ts.
import { conflict, forbidden, notFound, unauthenticated } from "../../platform/errors.ts";
import { requireViewer } from "../kit/guards.ts";
import { recordSideEffect } from "../kit/side-effects.ts";
import { id, isId, pageArgs, pageInfo } from "../kit/validation.ts";
import type { ArticleRow } from "./db/schema.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import type { Context } from "./loaders.ts";
import type { Target } from "./repositories/articles.ts";
import type { Repositories } from "./repositories/index.ts";
import { searchQuery, validNewArticle, validPatch } from "./validation.ts";
import { canChange, canList, canRead, readerOf } from "./visibility.ts";

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

export function createResolvers({ articles }: Repositories): Resolvers<Context> {
  async function move(rawId: string, to: Target, ctx: Context) {
    requireViewer(ctx);
    const article = await ownArticle(rawId, ctx);
    const outcome = await articles.transition(article.id, to);
    if (!outcome) throw notFound("Article", rawId);
    if (!outcome.moved) throw conflict(`A ${outcome.current} article cannot become ${to}.`);
    return remember(ctx, outcome.article);
  }

  return {
    Query: {
      article: async (_, args, ctx) => {
        if (!isId(args.id)) return null;
        // Marked whether or not a view was counted: the same request by another caller might count one.
        recordSideEffect(ctx);
        const article = await articles.read(args.id.toLowerCase(), readerOf(ctx.viewer));
        return article ? remember(ctx, article) : null;
      },

      articleById: (_, args, ctx) => visibleArticle(args.id, ctx),

      articles: async (_, args, ctx) => {
        const page = pageArgs(args.page, args.perPage);
        const { items, totalItems } = await articles.list(args, readerOf(ctx.viewer), page);
        return { items: items.map(toGraphQL), pageInfo: pageInfo(page, totalItems) };
      },

      searchArticles: async (_, args) => {
        const q = searchQuery(args.q);
        const page = pageArgs(args.page, args.perPage);
        const { items, totalItems } = await articles.search(q, page);
        return { items: items.map(toGraphQL), pageInfo: pageInfo(page, totalItems) };
      },
    },

    Mutation: {
      createArticle: async (_, args, ctx) => {
        requireViewer(ctx);
        const input = validNewArticle(args.input);
        const authorId = readerOf(ctx.viewer).id;
        if (!authorId) throw unauthenticated("The access token does not name a user; sign in again.");
        return remember(ctx, await articles.create(authorId, input));
      },

      updateArticle: async (_, args, ctx) => {
        requireViewer(ctx);
        const patch = validPatch(args.input);
        const article = await ownArticle(args.id, ctx);
        const updated = await articles.update(article.id, patch);
        if (!updated) throw notFound("Article", args.id);
        return remember(ctx, updated);
      },

      deleteArticle: async (_, args, ctx) => {
        requireViewer(ctx);
        const article = await ownArticle(args.id, ctx);
        if (!(await articles.delete(article.id))) throw notFound("Article", args.id);
        ctx.loaders.articleById.clear(article.id);
        return true;
      },

      publishArticle: (_, args, ctx) => move(args.id, "PUBLISHED", ctx),

      archiveArticle: (_, args, ctx) => move(args.id, "ARCHIVED", ctx),
    },

    Article: {
      __resolveReference: (ref, ctx) => visibleArticle(ref.id, ctx),
      author: (article) => ({ __typename: "User", id: article.authorId }),
    },

    User: {
      articles: async (user, args, ctx) => {
        const status = args.status ?? "PUBLISHED";
        if (!isId(user.id) || !canList(readerOf(ctx.viewer), user.id.toLowerCase(), status)) return [];
        const rows = await ctx.loaders.articlesByAuthor.load({ authorId: user.id.toLowerCase(), status });
        return rows.map(toGraphQL);
      },
    },
  };
}
