// Entity references other subgraphs resolve, and the GraphQL shapes of feed's own rows.
import type { NotificationRow, PostRow } from "./db/schema.ts";

export const userRef = (id: string) => ({ __typename: "User" as const, id });
export const postRef = (id: string) => ({ __typename: "Post" as const, id });
export const articleRef = (id: string) => ({ __typename: "Article" as const, id });
export const orderRef = (id: string) => ({ __typename: "Order" as const, id });
export const productRef = (id: string) => ({ __typename: "Product" as const, id });

export type PostNode = PostRow & { __typename: "Post" };
export const postNode = (row: PostRow): PostNode => ({ ...row, __typename: "Post" });

export type NotificationNode = NotificationRow & { __typename: "Notification" };
export const notificationNode = (row: NotificationRow): NotificationNode => ({
  ...row,
  __typename: "Notification",
});
