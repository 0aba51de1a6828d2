// `npm run seed -- --users N --products N --articles N [--posts N] [--orders N] [--url URL]`:
// more data through a running gateway, e.g. for benchmarks.
import { parseArgs } from "node:util";
import { DEFAULT_GATEWAY_PORT } from "../platform/topology.ts";
import { DEMO_SIZE, seed } from "./seed/demo.ts";

const { values } = parseArgs({
  options: {
    users: { type: "string" },
    products: { type: "string" },
    articles: { type: "string" },
    posts: { type: "string" },
    orders: { type: "string" },
    url: { type: "string" },
  },
});

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) {
    console.error(`--${name} must be a whole number from 0 to 1000000`);
    process.exit(2);
  }
  return n;
}

const url = values.url ?? `http://localhost:${process.env.GATEWAY_PORT ?? DEFAULT_GATEWAY_PORT}/graphql`;
const size = {
  users: Math.max(1, count(values.users, DEMO_SIZE.users, "users")),
  products: Math.max(1, count(values.products, DEMO_SIZE.products, "products")),
  articles: count(values.articles, DEMO_SIZE.articles, "articles"),
  posts: count(values.posts, DEMO_SIZE.posts, "posts"),
  orders: count(values.orders, DEMO_SIZE.orders, "orders"),
};
const started = Date.now();
console.log(`${await seed(url, process.env, size)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
