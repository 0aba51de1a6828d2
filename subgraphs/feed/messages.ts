// The sentences notifications say; ids are shortened the way people read them in a UI.
const short = (id: string) => id.slice(0, 8);

export const orderStatusMessage = (orderId: string, status: string) =>
  `Your order ${short(orderId)} is now ${status}.`;

export const newFollowerMessage = (followerName: string | null) =>
  `${followerName ?? "Someone"} started following you.`;

export const articlePublishedMessage = (authorName: string | null, title: string) =>
  `${authorName ?? "Someone you follow"} published "${title}".`;

/** By name; by shortened id only while feed has not yet heard the product's name from catalog. */
export const lowStockMessage = (productName: string | null, productId: string, available: number) =>
  `${productName ?? `Product ${short(productId)}`} is low on stock: ${available} left.`;
