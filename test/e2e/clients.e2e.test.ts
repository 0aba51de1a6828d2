// Apollo Client, as an application would use it: HTTP for queries and mutations, graphql-ws for
// subscriptions, split by operation type, with the access token added by a context link.
import {
  ApolloClient,
  ApolloLink,
  CombinedGraphQLErrors,
  gql,
  HttpLink,
  InMemoryCache,
  split,
} from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);

const CREATE_PRODUCT = gql`
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) { id name priceCents category }
  }
`;
const SET_STOCK = gql`
  mutation SetStock($id: ID!, $quantity: Int!) {
    setStock(productId: $id, quantity: $quantity) { id stock inStock }
  }
`;
const PRODUCT = gql`
  query Product($id: ID!) {
    product(id: $id) { id name priceCents stock inStock }
  }
`;
const STOCK_CHANGED = gql`
  subscription StockChanged($id: ID) {
    stockChanged(productId: $id) { id name priceCents stock }
  }
`;

function apolloClient(stack: Stack, token: string | undefined, ws: Client) {
  const auth = new SetContextLink((previous) => ({
    headers: { ...previous.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  }));
  const http = ApolloLink.from([auth, new HttpLink({ uri: stack.url })]);
  const link = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    new GraphQLWsLink(ws),
    http,
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

describe("Apollo Client against the gateway", () => {
  let stack: Stack;
  let ws: Client;
  let client: ApolloClient;
  let anonymous: ApolloClient;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"] });
    ws = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    client = apolloClient(stack, admin.token, ws);
    anonymous = apolloClient(stack, undefined, ws);
  });
  afterAll(async () => {
    client?.stop();
    anonymous?.stop();
    await ws?.dispose();
    await stack?.stop();
  });

  async function createProduct(name: string, priceCents: number): Promise<string> {
    const created = await client.mutate({
      mutation: CREATE_PRODUCT,
      variables: { input: { name, category: "coffee", priceCents } },
    });
    const product = (created.data as { createProduct: { id: string; name: string } }).createProduct;
    expect(product.name).toBe(name);
    return product.id;
  }

  it("mutates with the admin's token and reads the joined product back through the cache", async () => {
    const id = await createProduct("Guatemala Antigua", 1650);
    await eventually(
      async () => (await client.mutate({ mutation: SET_STOCK, variables: { id, quantity: 9 } })).data,
    );
    const read = await client.query({ query: PRODUCT, variables: { id }, fetchPolicy: "network-only" });
    expect(read.data).toEqual({
      product: {
        __typename: "Product",
        id,
        name: "Guatemala Antigua",
        priceCents: 1650,
        stock: 9,
        inStock: true,
      },
    });
    // Normalised by id: the cache now answers without the network.
    const cached = client.readQuery({ query: PRODUCT, variables: { id } });
    expect(cached).toEqual(read.data);
  });

  it("surfaces the gateway's error codes as GraphQL errors when the token is missing", async () => {
    const attempt = anonymous.mutate({
      mutation: CREATE_PRODUCT,
      variables: { input: { name: "Nope", category: "coffee", priceCents: 100 } },
    });
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    expect((error as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("subscribes to stockChanged over graphql-ws with catalog's fields resolved", async () => {
    const id = await createProduct("Rwanda Nyamasheke", 1900);
    const received: { id: string; name: string; priceCents: number; stock: number }[] = [];
    const subscription = client.subscribe({ query: STOCK_CHANGED, variables: { id } }).subscribe({
      next: (result) => {
        const event = (result.data as { stockChanged?: (typeof received)[number] } | undefined)?.stockChanged;
        if (event) received.push(event);
      },
    });
    try {
      // Keep changing the stock until the subscription, registered asynchronously, sees a change.
      let quantity = 20;
      const sent: number[] = [];
      await eventually(async () => {
        sent.push(++quantity);
        await client.mutate({ mutation: SET_STOCK, variables: { id, quantity } });
        await new Promise((r) => setTimeout(r, 250));
        return received.length > 0;
      });
      const [first] = received;
      expect(first).toMatchObject({ id, name: "Rwanda Nyamasheke", priceCents: 1900 });
      expect(sent).toContain(first?.stock);
    } finally {
      subscription.unsubscribe();
    }
  });
});
