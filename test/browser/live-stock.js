// Subscribes to stockChanged with graphql-ws's browser build and lists each event as it arrives.
// The page's query string names the gateway (?ws=ws://host:port/graphql) and optionally the product.
import { createClient } from "/vendor/graphql-ws/client.js";

const params = new URLSearchParams(location.search);
const status = document.getElementById("status");
const list = document.getElementById("events");
/** Read by the test; a real page would render only. */
window.stockEvents = [];

const client = createClient({
  url: params.get("ws") ?? `ws://${location.hostname}:4000/graphql`,
  retryAttempts: 0,
  on: {
    connected: () => {
      status.textContent = "connected";
    },
    closed: () => {
      status.textContent = "closed";
    },
  },
});

client.subscribe(
  {
    query: "subscription($id: ID) { stockChanged(productId: $id) { id name priceCents stock } }",
    variables: { id: params.get("product") },
  },
  {
    next: ({ data, errors }) => {
      if (errors) status.textContent = `error: ${errors[0].message}`;
      if (!data) return;
      window.stockEvents.push(data.stockChanged);
      const item = document.createElement("li");
      item.textContent = `${data.stockChanged.name}: ${data.stockChanged.stock}`;
      list.append(item);
    },
    error: (error) => {
      status.textContent = `error: ${error instanceof Error ? error.message : "connection failed"}`;
    },
    complete: () => {},
  },
);
