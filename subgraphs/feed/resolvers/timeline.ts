// The timeline (signed in): the viewer's and followed users' posts and articles, newest first.
import { requireViewer } from "../../kit/guards.ts";
import { connection, cursorPage } from "../cursor.ts";
import type { TimelineEntryRow } from "../db/schema.ts";
import type { Resolvers } from "../generated/resolvers-types.ts";
import type { Context } from "../loaders.ts";
import { articleRef, postNode } from "../refs.ts";
import type { Repositories } from "../repositories/index.ts";

const position = (entry: TimelineEntryRow) => ({ at: entry.publishedAt, id: entry.itemId });

export function timelineResolvers(repo: Repositories): Resolvers<Context> {
  return {
    Query: {
      timeline: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        const page = cursorPage(args.first, args.after);
        const entries = await repo.timeline.forViewer(viewer.id, page);
        const result = connection(entries, page.first, position, (entry) => entry);
        // Posts are feed's own: load them in one batch. Articles are references the gateway asks blog about.
        const nodes = await Promise.all(
          result.nodes.map(async (entry) => {
            if (entry.kind === "ARTICLE") return articleRef(entry.itemId);
            const post = await ctx.loaders.postById.load(entry.itemId);
            return post ? postNode(post) : null;
          }),
        );
        // A post deleted a moment ago may still have its entry until feed.post.deleted is applied.
        return { nodes: nodes.filter((n) => n !== null), pageInfo: result.pageInfo };
      },
    },

    TimelineItem: {
      // Posts are feed's own nodes; anything else on a timeline is a reference to one of blog's articles.
      __resolveType: (item) => (item.__typename === "Post" ? "Post" : "Article"),
    },
  };
}
