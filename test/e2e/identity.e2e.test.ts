import { createHmac, generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

// Identity at every hop: the gateway verifies the token, and so does every subgraph, so a request sent
// straight to a subgraph port with a forged token gets exactly what it gets through the gateway: nothing.
const rsa = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
const { privateKey, publicKey } = rsa();
const ISSUER = "tributary";
const AUDIENCE = "tributary";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
const claims = (sub: string) => ({ sub, roles: ["ADMIN"], iss: ISSUER, aud: AUDIENCE, exp: now() + 600 });
const rs256 = (payload: object, key = privateKey) => jwt.sign(payload, key, { algorithm: "RS256" });

/** Every way to forge or misuse a token that must be UNAUTHENTICATED; each claims the ADMIN role. */
function forgeries(userId: string, customerToken: string): [string, string | undefined][] {
  const [header, , signature] = customerToken.split(".");
  const hs256Header = b64({ alg: "HS256", typ: "JWT" });
  const confusedBody = `${hs256Header}.${b64(claims(userId))}`;
  return [
    ["no token", undefined],
    ["alg none", `${b64({ alg: "none", typ: "JWT" })}.${b64(claims(userId))}.`],
    ["signed with the wrong key", rs256(claims(userId), rsa().privateKey)],
    ["a tampered payload (roles: ADMIN, signature kept)", `${header}.${b64(claims(userId))}.${signature}`],
    ["expired", rs256({ ...claims(userId), exp: now() - 600 })],
    // The 5 s clock tolerance between hosts must not stretch into accepting these.
    ["expired 30 s ago", rs256({ ...claims(userId), exp: now() - 30 })],
    ["not valid before 10 minutes from now (nbf)", rs256({ ...claims(userId), nbf: now() + 600 })],
    ["a wrong issuer", rs256({ ...claims(userId), iss: "someone-else" })],
    ["a wrong audience", rs256({ ...claims(userId), aud: "another-api" })],
    // Key confusion: the public key, which anyone may know, used as an HMAC secret.
    [
      "HS256 signed with the RS256 public key",
      `${confusedBody}.${createHmac("sha256", publicKey).update(confusedBody).digest("base64url")}`,
    ],
    ["HS256 signed with the test secret", tokenFor(["ADMIN"], userId).token],
  ];
}

const PLACE = `mutation($productId: ID!) { placeOrder(input: { items: [{ productId: $productId, quantity: 1 }] }) { id } }`;
const CREATE = `mutation { createProduct(input: { name: "Forged", priceCents: 1, category: "x" }) { id } }`;
const GRANT = `mutation($id: ID!) { grantRole(userId: $id, role: ADMIN) { roles } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id customer { id } } }`;
const ORDER_COUNT = `{ orders { pageInfo { totalItems } } }`;
const PRODUCT_COUNT = `{ products { pageInfo { totalItems } } }`;

describe("identity at every hop (RS256): forged tokens get nothing, at the gateway and at each subgraph", () => {
  let stack: Stack;
  let admin: string;
  let customer: { id: string; token: string };
  let productId: string;
  let orderId: string;
  const url = (name: "gateway" | "accounts" | "catalog" | "orders") =>
    name === "gateway" ? stack.url : (stack.subgraphs.get(name)?.url ?? "");

  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ["accounts", "catalog", "orders"],
      env: {
        JWT_ALGORITHM: "RS256",
        JWT_PRIVATE_KEY: privateKey,
        JWT_PUBLIC_KEY: publicKey,
        SUBSCRIPTIONS_ENABLED: "false",
      },
    });
    admin = rs256({ ...claims("00000000-0000-4000-8000-00000000000a"), roles: ["ADMIN"] });
    const registered = await expectData<{ register: { token: string; user: { id: string } } }>(
      stack.url,
      `mutation { register(input: { email: "mallory@example.com", password: "not-an-admin", name: "Mallory" }) { token user { id } } }`,
    );
    customer = { id: registered.register.user.id, token: registered.register.token };
    // Controls: the same operations succeed straight at the subgraph ports with genuine tokens.
    productId = (await expectData<{ createProduct: { id: string } }>(url("catalog"), CREATE, {}, admin))
      .createProduct.id;
    orderId = await eventually(async () => {
      const r = await graphql<{ placeOrder: { id: string } }>(
        url("orders"),
        PLACE,
        { productId },
        customer.token,
      );
      return r.data?.placeOrder.id;
    });
  });
  afterAll(() => stack?.stop());

  const counts = async () => ({
    orders: (
      await expectData<{ orders: { pageInfo: { totalItems: number } } }>(
        url("orders"),
        ORDER_COUNT,
        {},
        admin,
      )
    ).orders.pageInfo.totalItems,
    products: (
      await expectData<{ products: { pageInfo: { totalItems: number } } }>(url("catalog"), PRODUCT_COUNT)
    ).products.pageInfo.totalItems,
  });

  it("lets the genuine tokens through (the controls the attacks are measured against)", async () => {
    expect(await counts()).toEqual({ orders: 1, products: 1 });
    const read = await expectData<{ order: { id: string } }>(
      url("orders"),
      ORDER,
      { id: orderId },
      customer.token,
    );
    expect(read.order.id).toBe(orderId);
  });

  it("refuses every forgery with UNAUTHENTICATED, reads nothing and writes nothing", async () => {
    for (const [name, token] of forgeries(customer.id, customer.token)) {
      const attempts = [
        ["gateway", PLACE, { productId }],
        ["orders", PLACE, { productId }],
        ["gateway", CREATE, {}],
        ["catalog", CREATE, {}],
        ["gateway", GRANT, { id: customer.id }],
        ["accounts", GRANT, { id: customer.id }],
        ["gateway", ORDER, { id: orderId }],
        ["orders", ORDER, { id: orderId }],
      ] as const;
      for (const [target, query, variables] of attempts) {
        const response = await graphql(url(target), query, variables, token);
        const where = `${name} -> ${target}: ${query.slice(0, 40)}`;
        expect(
          response.errors?.map((e) => e.extensions?.code),
          where,
        ).toEqual(["UNAUTHENTICATED"]);
        // Nothing comes back: no data at all (a refused token) or a null field (anonymous).
        expect(
          Object.values(response.data ?? {}).filter((v) => v !== null),
          where,
        ).toEqual([]);
      }
    }
    expect(await counts()).toEqual({ orders: 1, products: 1 });
    const roles = await expectData<{ user: { roles: string[] } }>(
      url("accounts"),
      `query($id: ID!) { user(id: $id) { roles } }`,
      { id: customer.id },
    );
    expect(roles.user.roles).toEqual(["CUSTOMER"]);
  });

  it("tolerates a few seconds of clock difference between hosts on exp and nbf, at every hop", async () => {
    // Signed by a host whose clock is slightly ahead (nbf) or just past the token's expiry (exp).
    const skewed = [
      rs256({ ...claims(customer.id), roles: ["CUSTOMER"], nbf: now() + 2 }),
      rs256({ ...claims(customer.id), roles: ["CUSTOMER"], exp: now() - 1 }),
    ];
    for (const token of skewed) {
      for (const target of ["gateway", "orders"] as const) {
        const read = await expectData<{ order: { id: string } }>(url(target), ORDER, { id: orderId }, token);
        expect(read.order.id, target).toBe(orderId);
      }
    }
  });

  it("answers a bad token at a subgraph with HTTP 401, not a silent anonymous request", async () => {
    const [, forged] = forgeries(customer.id, customer.token)[1] ?? [];
    for (const target of ["accounts", "catalog", "orders"] as const) {
      const response = await graphql(url(target), `{ __typename }`, {}, forged);
      expect(response.status, target).toBe(401);
      expect(response.errors?.[0]?.extensions?.code, target).toBe("UNAUTHENTICATED");
    }
  });
});
