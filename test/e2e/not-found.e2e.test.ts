// Every mutation that writes to an existing entity answers NOT_FOUND, writing nothing, when that entity does not
// exist (or is gone: a discontinued product, a deleted article). The table must name every Mutation field of the
// supergraph, so a new mutation cannot skip this audit.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
/** A validly signed token for a user accounts never registered. */
const ghost = tokenFor(["CUSTOMER"]);

interface Case {
  query: string;
  variables: () => Record<string, unknown>;
  token?: string;
}

const missing = () => ({ id: randomUUID() });

/** Mutations that write to an entity named by their arguments (or the caller's token). */
const targetsAnEntity: Record<string, Case> = {
  updateProfile: {
    query: `mutation { updateProfile(input: { name: "Nobody" }) { id } }`,
    variables: () => ({}),
    token: ghost.token,
  },
  grantRole: {
    query: `mutation($id: ID!) { grantRole(userId: $id, role: ADMIN) { id } }`,
    variables: missing,
  },
  updateProduct: {
    query: `mutation($id: ID!) { updateProduct(id: $id, input: { name: "x" }) { id } }`,
    variables: missing,
  },
  deleteProduct: { query: `mutation($id: ID!) { deleteProduct(id: $id) }`, variables: missing },
  setStock: {
    query: `mutation($id: ID!) { setStock(productId: $id, quantity: 3) { id stock } }`,
    variables: missing,
  },
  payOrder: {
    query: `mutation($id: ID!) { payOrder(orderId: $id, method: "tok_visa") { id } }`,
    variables: missing,
  },
  cancelOrder: { query: `mutation($id: ID!) { cancelOrder(orderId: $id) { id } }`, variables: missing },
  shipOrder: { query: `mutation($id: ID!) { shipOrder(orderId: $id) { id } }`, variables: missing },
  deliverOrder: { query: `mutation($id: ID!) { deliverOrder(orderId: $id) { id } }`, variables: missing },
  updateArticle: {
    query: `mutation($id: ID!) { updateArticle(id: $id, input: { title: "x" }) { id } }`,
    variables: missing,
  },
  deleteArticle: { query: `mutation($id: ID!) { deleteArticle(id: $id) }`, variables: missing },
  publishArticle: { query: `mutation($id: ID!) { publishArticle(id: $id) { id } }`, variables: missing },
  archiveArticle: { query: `mutation($id: ID!) { archiveArticle(id: $id) { id } }`, variables: missing },
  deletePost: { query: `mutation($id: ID!) { deletePost(id: $id) }`, variables: missing },
  follow: { query: `mutation($id: ID!) { follow(userId: $id) { id } }`, variables: missing },
  unfollow: { query: `mutation($id: ID!) { unfollow(userId: $id) { id } }`, variables: missing },
  markNotificationsRead: {
    query: `mutation($id: ID!) { markNotificationsRead(ids: [$id]) }`,
    variables: missing,
  },
};

/** Mutations that name no existing entity to write to, and why. */
const createsOrAuthenticates: Record<string, string> = {
  register: "creates a user",
  login: "a wrong email is UNAUTHENTICATED, never telling which accounts exist",
  refreshToken: "an unknown refresh token is UNAUTHENTICATED",
  createProduct: "creates a product",
  placeOrder: "creates an order; an unknown product is a BAD_USER_INPUT on its line",
  createArticle: "creates an article",
  publishPost: "creates a post",
};

describe("writes to missing entities answer NOT_FOUND", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "catalog", "inventory", "orders", "blog", "feed"] });
  });
  afterAll(() => stack?.stop());

  it("audits every mutation of the supergraph", async () => {
    const { __type } = await expectData<{ __type: { fields: { name: string }[] } }>(
      stack.url,
      `{ __type(name: "Mutation") { fields { name } } }`,
    );
    const audited = [...Object.keys(targetsAnEntity), ...Object.keys(createsOrAuthenticates)].sort();
    expect(__type.fields.map((f) => f.name).sort()).toEqual(audited);
  });

  for (const [name, { query, variables, token }] of Object.entries(targetsAnEntity)) {
    it(`${name} on a missing entity`, async () => {
      const answer = await graphql(stack.url, query, variables(), token ?? admin.token);
      expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
      expect(answer.data ?? null).toBeNull();
    });
  }

  it("refuses stock changes and edits on a discontinued product like on a missing one", async () => {
    const { createProduct } = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      `mutation { createProduct(input: { name: "Short-lived", category: "misc", priceCents: 100 }) { id } }`,
      {},
      admin.token,
    );
    const id = createProduct.id;
    await expectData(stack.url, targetsAnEntity.setStock!.query, { id }, admin.token);
    await expectData(stack.url, targetsAnEntity.deleteProduct!.query, { id }, admin.token);
    for (const name of ["updateProduct", "deleteProduct"] as const) {
      const answer = await graphql(stack.url, targetsAnEntity[name]!.query, { id }, admin.token);
      expect(answer.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
    // Inventory hears of the discontinuation through catalog's event.
    const refused = await eventually(async () => {
      const answer = await graphql(stack.url, targetsAnEntity.setStock!.query, { id }, admin.token);
      return answer.errors?.[0]?.extensions?.code === "NOT_FOUND" ? answer : undefined;
    });
    expect(refused.errors?.[0]?.message).toBe(
      `Product ${id} was discontinued; its stock can no longer change.`,
    );
  });
});
