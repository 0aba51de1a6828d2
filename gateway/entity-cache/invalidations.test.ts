import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isTopic } from "../../events/topics.ts";
import { SUBGRAPH_NAMES } from "../../platform/topology.ts";
import { readCachePolicies } from "./declarations.ts";
import { cachedTypesOf } from "./index.ts";
import { assertInvalidated, INVALIDATIONS, tagsToDrop, topicsFor } from "./invalidations.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));

describe("what keeps the entity cache true", () => {
  it("names, for every type a subgraph SDL declares @cacheable, events that change it", async () => {
    const types = cachedTypesOf(await readCachePolicies(SUPERGRAPH, SUBGRAPH_NAMES));
    expect(types.length).toBeGreaterThan(0);
    expect(() => assertInvalidated(types)).not.toThrow();
    expect(topicsFor(types).length).toBeGreaterThan(0);
  });

  it("names only topics of the catalogue", () => {
    for (const invalidations of Object.values(INVALIDATIONS)) {
      for (const { topic } of invalidations) expect(isTopic(topic), topic).toBe(true);
    }
  });

  it("refuses a cacheable type no event invalidates", () => {
    expect(() => assertInvalidated(["Product", "Article"])).toThrow(/Article/);
  });

  it("reads the changed entity's id from the event", () => {
    const payload = { productId: "p-1", quantity: 3, reserved: 0, available: 3, reason: "set" };
    expect(tagsToDrop("inventory.stock.changed", payload, ["Product", "User"])).toEqual(["Product:p-1"]);
    expect(tagsToDrop("accounts.user.updated", { userId: "u-1" }, ["Product", "User"])).toEqual(["User:u-1"]);
    expect(tagsToDrop("accounts.user.updated", { userId: "u-1" }, ["Product"])).toEqual([]);
  });

  it("drops both users of a follow, and an author on each of their articles' and posts' events", () => {
    const follow = { followerId: "u-1", followeeId: "u-2" };
    expect(tagsToDrop("feed.user.followed", follow, ["User"])).toEqual(["User:u-1", "User:u-2"]);
    expect(tagsToDrop("feed.user.unfollowed", follow, ["User"])).toEqual(["User:u-1", "User:u-2"]);
    for (const topic of [
      "blog.article.created",
      "blog.article.updated",
      "blog.article.published",
      "blog.article.archived",
      "blog.article.deleted",
      "feed.post.published",
      "feed.post.deleted",
    ] as const) {
      expect(
        tagsToDrop(topic, { authorId: "u-3", articleId: "a-1", postId: "p-1" }, ["User"]),
        topic,
      ).toEqual(["User:u-3"]);
    }
  });
});
