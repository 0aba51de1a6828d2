// The REST routes the seed designs use, each an HTTP method and path mapped to a named operation in operations/.
//
// How a request becomes variables (the same rule builds the OpenAPI document):
// - `{name}` path segments bind the variable of that name;
// - on GET and DELETE every other variable is a query parameter, named in snake_case (`perPage` is `per_page`);
// - on POST, PUT and PATCH they come from the JSON body: the whole body is the variable named by `body`, or,
//   without `body`, each top-level key of the body is the variable of that name;
// - a stream's `resumeFrom` variable comes from the `Last-Event-ID` header.
// The answer is the value of the operation's one root field.

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RestRoute {
  method: HttpMethod;
  path: string;
  operation: string;
  summary: string;
  tag: "messages" | "articles" | "users" | "products" | "orders";
  body?: string;
  /** 201 Created, with `Location` filled from the result's fields (`{user.id}` reaches into nested ones). */
  created?: { location: string };
  /** 204 No Content (the root field is a Boolean; `false` answers 404). */
  noContent?: true;
  /** What a null root field means: the thing does not exist or is not visible (default), or sign in first. */
  whenNull?: "NOT_FOUND" | "UNAUTHENTICATED";
  /** A subscription as Server-Sent Events; each event's `id:` is its cursor, taken back from `Last-Event-ID`. */
  stream?: { resumeFrom: string };
}

// biome-ignore format: one route per line reads as a table.
export const REST_ROUTES = [
  // The microblog seed: POST /publish, GET /messages (+ one message, delete, and a live stream).
  { method: "POST", path: "/publish", operation: "PublishMessage", summary: "Publish a message as the signed-in user", tag: "messages", created: { location: "/messages/{id}" } },
  { method: "GET", path: "/messages", operation: "ListMessages", summary: "Messages, newest first (cursor paging)", tag: "messages" },
  { method: "GET", path: "/messages/stream", operation: "MessagePublished", summary: "New messages as Server-Sent Events", tag: "messages", stream: { resumeFrom: "after" } },
  { method: "GET", path: "/messages/{id}", operation: "GetMessage", summary: "One message", tag: "messages" },
  { method: "DELETE", path: "/messages/{id}", operation: "DeleteMessage", summary: "Delete a message (its author or an admin)", tag: "messages", noContent: true },

  // The blog seed: /api/v1/articles.
  { method: "GET", path: "/api/v1/articles", operation: "ListArticles", summary: "Articles, filtered and paged", tag: "articles" },
  { method: "POST", path: "/api/v1/articles", operation: "CreateArticle", summary: "Create a draft article by the signed-in user", tag: "articles", body: "input", created: { location: "/api/v1/articles/{id}" } },
  { method: "GET", path: "/api/v1/articles/search", operation: "SearchArticles", summary: "Full-text search over published articles", tag: "articles" },
  { method: "GET", path: "/api/v1/articles/{id}", operation: "GetArticle", summary: "One article (counts a view)", tag: "articles" },
  { method: "PUT", path: "/api/v1/articles/{id}", operation: "ReplaceArticle", summary: "Replace an article's title, content, category and tags", tag: "articles" },
  { method: "PATCH", path: "/api/v1/articles/{id}", operation: "UpdateArticle", summary: "Change some of an article's fields", tag: "articles", body: "input" },
  { method: "DELETE", path: "/api/v1/articles/{id}", operation: "DeleteArticle", summary: "Delete an article", tag: "articles", noContent: true },
  { method: "POST", path: "/api/v1/articles/{id}/publish", operation: "PublishArticle", summary: "Publish an article", tag: "articles" },
  { method: "POST", path: "/api/v1/articles/{id}/archive", operation: "ArchiveArticle", summary: "Archive an article", tag: "articles" },

  // The API-gateway seed: /users, /products, /orders.
  { method: "POST", path: "/users/register", operation: "Register", summary: "Sign up; answers a session", tag: "users", body: "input", created: { location: "/users/{user.id}" } },
  { method: "POST", path: "/users/login", operation: "Login", summary: "Sign in; answers a session", tag: "users" },
  { method: "POST", path: "/users/refresh", operation: "RefreshSession", summary: "Trade a refresh token for a new session", tag: "users" },
  { method: "GET", path: "/users/profile", operation: "GetProfile", summary: "The signed-in user", tag: "users", whenNull: "UNAUTHENTICATED" },
  { method: "PATCH", path: "/users/profile", operation: "UpdateProfile", summary: "Change the signed-in user's profile", tag: "users", body: "input" },
  { method: "GET", path: "/users/{id}", operation: "GetUser", summary: "One user (email only for themself and admins)", tag: "users" },
  { method: "GET", path: "/products", operation: "ListProducts", summary: "Products, filtered and paged", tag: "products" },
  { method: "POST", path: "/products", operation: "CreateProduct", summary: "Create a product (admins)", tag: "products", body: "input", created: { location: "/products/{id}" } },
  { method: "GET", path: "/products/{id}", operation: "GetProduct", summary: "One product, with its stock", tag: "products" },
  { method: "PATCH", path: "/products/{id}", operation: "UpdateProduct", summary: "Change a product (admins)", tag: "products", body: "input" },
  { method: "DELETE", path: "/products/{id}", operation: "DeleteProduct", summary: "Discontinue a product: no longer listed or orderable, still readable (admins)", tag: "products", noContent: true },
  { method: "PUT", path: "/products/{id}/stock", operation: "SetStock", summary: "Set a product's stock on hand (admins)", tag: "products" },
  { method: "GET", path: "/orders", operation: "ListMyOrders", summary: "The signed-in user's orders, newest first", tag: "orders" },
  { method: "POST", path: "/orders", operation: "PlaceOrder", summary: "Place an order (PENDING until stock is reserved)", tag: "orders", body: "input", created: { location: "/orders/{id}" } },
  { method: "GET", path: "/orders/{id}", operation: "GetOrder", summary: "One order (its customer or an admin)", tag: "orders" },
  { method: "POST", path: "/orders/{id}/pay", operation: "PayOrder", summary: "Pay a CONFIRMED order", tag: "orders" },
  { method: "POST", path: "/orders/{id}/cancel", operation: "CancelOrder", summary: "Cancel an order that has not shipped", tag: "orders" },
  { method: "GET", path: "/admin/orders", operation: "ListAllOrders", summary: "Every order (admins)", tag: "orders" },
] as const satisfies readonly RestRoute[];

/** The health check the blog seed lists, the same answer as `/health`. */
export const REST_HEALTH_PATH = "/api/v1/health";

/** `perPage` -> `per_page`: the query parameter naming the blog seed uses. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
