import { generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

// accounts signs with the private key; the gateway and the subgraph verify with the public key only.
describe("accounts with RS256 access tokens, through the gateway", () => {
  let stack: Stack;
  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    stack = await startStack({
      subgraphs: ["accounts"],
      env: {
        JWT_ALGORITHM: "RS256",
        JWT_PRIVATE_KEY: privateKey,
        JWT_PUBLIC_KEY: publicKey,
        // No subscriptions in accounts: skip the gateway's Kafka consumer.
        SUBSCRIPTIONS_ENABLED: "false",
      },
    });
  });
  afterAll(() => stack?.stop());

  it("issues RS256 tokens that the gateway accepts, and refuses an HS256 token signed with the old secret", async () => {
    const registered = await expectData<{ register: { token: string; user: { id: string } } }>(
      stack.url,
      `mutation { register(input: { email: "rsa@example.com", password: "public-key-crypto", name: "Rivest" }) { token user { id } } }`,
    );
    expect(jwt.decode(registered.register.token, { complete: true })?.header.alg).toBe("RS256");
    const me = await expectData<{ me: { id: string; email: string } }>(
      stack.url,
      `{ me { id email } }`,
      {},
      registered.register.token,
    );
    expect(me.me).toEqual({ id: registered.register.user.id, email: "rsa@example.com" });
    const forged = await graphql(
      stack.url,
      `{ me { id } }`,
      {},
      tokenFor(["ADMIN"], registered.register.user.id).token,
    );
    expect(forged.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
