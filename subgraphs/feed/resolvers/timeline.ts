// The timeline (signed in): the viewer's and followed users' posts and articles, newest first.
import type { SubgraphContext } from "../../kit/context.ts";
import { requireViewer } from "../../kit/guards.ts";
import { connection, cursorPage } from "../cursor.ts";
import type { TimelineEntryRow } from "../db/schema.ts";
import type { FeedLoaders } from "../loaders.ts";
import { articleRef, postNode } from "../refs.ts";
import type { FeedRepository } from "../repositories/index.ts";

type Context = SubgraphContext<FeedLoaders>;

const position = (entry: TimelineEntryRow) => ({ at: entry.publishedAt, id: entry.itemId });

export function timelineResolvers(repo: FeedRepository) {
  return {
    Query: {
      timeline: async (_: unknown, args: { first: number; after?: string | null }, ctx: Context) => {
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
      __resolveType: (item: { __typename: "Post" | "Article" }) => item.__typename,
    },
  };
}
