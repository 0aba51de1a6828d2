// The topic catalogue: every event's Kafka topic and the protobuf message it carries.
import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { UserRegisteredSchema, UserUpdatedSchema } from "./gen/tributary/events/v1/accounts_pb.ts";
import {
  ArticleArchivedSchema,
  ArticleCreatedSchema,
  ArticleDeletedSchema,
  ArticlePublishedSchema,
  ArticleUpdatedSchema,
} from "./gen/tributary/events/v1/blog_pb.ts";
import {
  ProductCreatedSchema,
  ProductDeletedSchema,
  ProductUpdatedSchema,
} from "./gen/tributary/events/v1/catalog_pb.ts";
import {
  NotificationCreatedSchema,
  PostDeletedSchema,
  PostPublishedSchema,
  UserFollowedSchema,
  UserUnfollowedSchema,
} from "./gen/tributary/events/v1/feed_pb.ts";
import {
  StockChangedSchema,
  StockLowSchema,
  StockRejectedSchema,
  StockReservedSchema,
} from "./gen/tributary/events/v1/inventory_pb.ts";
import { OrderPlacedSchema, OrderStatusChangedSchema } from "./gen/tributary/events/v1/orders_pb.ts";

/** Topic names, `<domain>.<entity>.<past-tense>`, keyed by the message that travels on them. */
export const Topics = {
  UserRegistered: "accounts.user.registered",
  UserUpdated: "accounts.user.updated",
  ProductCreated: "catalog.product.created",
  ProductUpdated: "catalog.product.updated",
  ProductDeleted: "catalog.product.deleted",
  StockChanged: "inventory.stock.changed",
  StockLow: "inventory.stock.low",
  StockReserved: "inventory.stock.reserved",
  StockRejected: "inventory.stock.rejected",
  OrderPlaced: "orders.order.placed",
  OrderStatusChanged: "orders.order.status-changed",
  ArticleCreated: "blog.article.created",
  ArticleUpdated: "blog.article.updated",
  ArticlePublished: "blog.article.published",
  ArticleArchived: "blog.article.archived",
  ArticleDeleted: "blog.article.deleted",
  PostPublished: "feed.post.published",
  PostDeleted: "feed.post.deleted",
  UserFollowed: "feed.user.followed",
  UserUnfollowed: "feed.user.unfollowed",
  NotificationCreated: "feed.notification.created",
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** Which generated schema encodes each topic's payload; the codec and the outbox look it up here. */
export const TopicSchemas = {
  [Topics.UserRegistered]: UserRegisteredSchema,
  [Topics.UserUpdated]: UserUpdatedSchema,
  [Topics.ProductCreated]: ProductCreatedSchema,
  [Topics.ProductUpdated]: ProductUpdatedSchema,
  [Topics.ProductDeleted]: ProductDeletedSchema,
  [Topics.StockChanged]: StockChangedSchema,
  [Topics.StockLow]: StockLowSchema,
  [Topics.StockReserved]: StockReservedSchema,
  [Topics.StockRejected]: StockRejectedSchema,
  [Topics.OrderPlaced]: OrderPlacedSchema,
  [Topics.OrderStatusChanged]: OrderStatusChangedSchema,
  [Topics.ArticleCreated]: ArticleCreatedSchema,
  [Topics.ArticleUpdated]: ArticleUpdatedSchema,
  [Topics.ArticlePublished]: ArticlePublishedSchema,
  [Topics.ArticleArchived]: ArticleArchivedSchema,
  [Topics.ArticleDeleted]: ArticleDeletedSchema,
  [Topics.PostPublished]: PostPublishedSchema,
  [Topics.PostDeleted]: PostDeletedSchema,
  [Topics.UserFollowed]: UserFollowedSchema,
  [Topics.UserUnfollowed]: UserUnfollowedSchema,
  [Topics.NotificationCreated]: NotificationCreatedSchema,
} as const satisfies Record<Topic, DescMessage>;

export type TopicSchema<T extends Topic> = (typeof TopicSchemas)[T];

/** The message a consumer receives on topic T (a generated protobuf-es type, with `$typeName`). */
export type EventPayload<T extends Topic> = MessageShape<TopicSchema<T>>;

/** What a producer passes for topic T: the same fields as a plain object, no `$typeName` needed. */
export type EventInit<T extends Topic> = MessageInitShape<TopicSchema<T>>;

export const ALL_TOPICS: readonly Topic[] = Object.values(Topics);

const topicSet: ReadonlySet<string> = new Set(ALL_TOPICS);

export function isTopic(name: string): name is Topic {
  return topicSet.has(name);
}

export function schemaFor<T extends Topic>(topic: T): TopicSchema<T> {
  return TopicSchemas[topic];
}

/** Where a consumer parks the messages it could not process. */
export function dlqTopic(topic: string): string {
  return topic + ".dlq";
}

/** Every topic a deployment creates before anything connects: each event topic and its dead-letter topic. */
export const TOPICS_AND_DEAD_LETTERS: readonly string[] = [...ALL_TOPICS, ...ALL_TOPICS.map(dlqTopic)];
