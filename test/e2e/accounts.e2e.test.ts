import type { Consumer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEvent } from "../../events/codec.ts";
import { testKafka } from "../../events/testing/broker.ts";
import { collectMessages, type Received } from "../../events/testing/records.ts";
import { eventually } from "../../events/testing/wait.ts";
import { verifyAccessToken } from "../../platform/auth/tokens.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { testTokenSettings, tokenFor } from "../support/tokens.ts";

const ADMIN_EMAIL = "root@tributary.test";
const ADMIN_PASSWORD = "bootstrap-secret-42";

const SESSION = `token refreshToken expiresAt user { id name email roles createdAt }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${SESSION} } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { ${SESSION} } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { ${SESSION} } }`;
const USER = `query($id: ID!) { user(id: $id) { id name email roles } }`;
const GRANT = `mutation($id: ID!, $role: Role!) { grantRole(userId: $id, role: $role) { id roles } }`;

interface Session {
  token: string;
  refreshToken: string;
  expiresAt: string;
  user: { id: string; name: string; email: string | null; roles: string[]; createdAt: string };
}

describe("accounts through the gateway", () => {
  let stack: Stack;
  let consumer: Consumer;
  const received: Received[] = [];

  beforeAll(async () => {
    // accounts serves no subscriptions: without the gateway's Kafka consumer the stack starts sooner.
    stack = await startStack({
      subgraphs: ["accounts"],
      env: { ADMIN_EMAIL, ADMIN_PASSWORD, SUBSCRIPTIONS_ENABLED: "false" },
    });
    consumer = await collectMessages(
      testKafka(stack.broker.brokers[0]!, "accounts-e2e"),
      ["accounts.user.registered", "accounts.user.updated"],
      received,
    );
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await stack?.stop();
  });

  let counter = 0;
  async function register(name = "Ada Lovelace", password = "analytical-engine") {
    const email = `Ada${++counter}@Example.com`;
    const data = await expectData<{ register: Session }>(stack.url, REGISTER, {
      input: { email, password, name },
    });
    return { ...data.register, email: email.toLowerCase(), password };
  }
  const adminSession = async () =>
    (await expectData<{ login: Session }>(stack.url, LOGIN, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }))
      .login;

  it("registers, signs in and answers me with the signed-in user", async () => {
    const registered = await register();
    expect(registered.user).toMatchObject({
      name: "Ada Lovelace",
      email: registered.email,
      roles: ["CUSTOMER"],
    });
    expect(Date.parse(registered.expiresAt)).toBeGreaterThan(Date.now() + 14 * 60_000);

    const login = await expectData<{ login: Session }>(stack.url, LOGIN, {
      email: `  ${registered.email.toUpperCase()} `,
      password: registered.password,
    });
    expect(verifyAccessToken(testTokenSettings, login.login.token).viewer).toEqual({
      id: registered.user.id,
      roles: ["CUSTOMER"],
    });
    const me = await expectData<{ me: Session["user"] }>(
      stack.url,
      `{ me { id name email roles createdAt } }`,
      {},
      login.login.token,
    );
    expect(me.me).toEqual(registered.user);
    expect(await expectData(stack.url, `{ me { id } }`)).toEqual({ me: null });
  });

  it("refuses a second account for the same email in another case with CONFLICT", async () => {
    const first = await register();
    const again = await graphql(stack.url, REGISTER, {
      input: { email: first.email.toUpperCase(), password: "another-password", name: "Copy" },
    });
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const user = await register();
    for (const [email, password] of [
      [user.email, "not-the-password"],
      ["nobody@example.com", user.password],
    ]) {
      const response = await graphql(stack.url, LOGIN, { email, password });
      expect(response.errors?.[0]).toMatchObject({
        message: "Email or password is incorrect.",
        extensions: { code: "UNAUTHENTICATED" },
      });
    }
  });

  it("rotates refresh tokens and revokes the family when a used one comes back", async () => {
    const session = await register();
    const rotated = await expectData<{ refreshToken: Session }>(stack.url, REFRESH, {
      t: session.refreshToken,
    });
    expect(rotated.refreshToken.user.id).toBe(session.user.id);
    expect(rotated.refreshToken.refreshToken).not.toBe(session.refreshToken);
    const replay = await graphql(stack.url, REFRESH, { t: session.refreshToken });
    expect(replay.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const afterReplay = await graphql(stack.url, REFRESH, { t: rotated.refreshToken.refreshToken });
    expect(afterReplay.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("shows an email to its owner and to admins only", async () => {
    const owner = await register("Owner");
    const other = await register("Other");
    const admin = await adminSession();
    const emailAs = async (token?: string) =>
      (await expectData<{ user: { email: string | null } }>(stack.url, USER, { id: owner.user.id }, token))
        .user.email;
    expect(await emailAs(owner.token)).toBe(owner.email);
    expect(await emailAs(admin.token)).toBe(owner.email);
    expect(await emailAs(other.token)).toBeNull();
    expect(await emailAs()).toBeNull();
    const missing = await expectData(stack.url, USER, { id: "not-a-uuid" });
    expect(missing).toEqual({ user: null });
  });

  it("lets the bootstrap admin sign in with ADMIN_PASSWORD and grant roles, which refresh picks up", async () => {
    const admin = await adminSession();
    expect(admin.user).toMatchObject({ email: ADMIN_EMAIL, roles: ["CUSTOMER", "ADMIN"] });
    const author = await register("Future Author");
    const granted = await expectData<{ grantRole: { roles: string[] } }>(
      stack.url,
      GRANT,
      { id: author.user.id, role: "AUTHOR" },
      admin.token,
    );
    expect(granted.grantRole.roles).toEqual(["CUSTOMER", "AUTHOR"]);
    const twice = await expectData<{ grantRole: { roles: string[] } }>(
      stack.url,
      GRANT,
      { id: author.user.id, role: "AUTHOR" },
      admin.token,
    );
    expect(twice.grantRole.roles).toEqual(["CUSTOMER", "AUTHOR"]);
    const refreshed = await expectData<{ refreshToken: Session }>(stack.url, REFRESH, {
      t: author.refreshToken,
    });
    expect(verifyAccessToken(testTokenSettings, refreshed.refreshToken.token).viewer.roles).toEqual([
      "CUSTOMER",
      "AUTHOR",
    ]);
    const unknown = await graphql(
      stack.url,
      GRANT,
      { id: "00000000-0000-4000-8000-000000000000", role: "ADMIN" },
      admin.token,
    );
    expect(unknown.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("refuses grantRole to customers and anonymous callers, changing nothing", async () => {
    const customer = await register();
    const asCustomer = await graphql(
      stack.url,
      GRANT,
      { id: customer.user.id, role: "ADMIN" },
      customer.token,
    );
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await graphql(stack.url, GRANT, { id: customer.user.id, role: "ADMIN" });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const after = await expectData<{ user: { roles: string[] } }>(stack.url, USER, { id: customer.user.id });
    expect(after.user.roles).toEqual(["CUSTOMER"]);
  });

  it("updates the signed-in user's profile and refuses anonymous callers", async () => {
    const user = await register("Before");
    const updated = await expectData<{ updateProfile: { name: string } }>(
      stack.url,
      `mutation { updateProfile(input: { name: "  After  " }) { name } }`,
      {},
      user.token,
    );
    expect(updated.updateProfile.name).toBe("After");
    const anonymous = await graphql(stack.url, `mutation { updateProfile(input: { name: "X" }) { name } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const stranger = await graphql(
      stack.url,
      `mutation { updateProfile(input: { name: "X" }) { name } }`,
      {},
      tokenFor(["CUSTOMER"]).token,
    );
    expect(stranger.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const oddSubject = await graphql(
      stack.url,
      `mutation { updateProfile(input: { name: "X" }) { name } }`,
      {},
      tokenFor(["CUSTOMER"], "user-1").token,
    );
    expect(oddSubject.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("names the field of invalid input and writes nothing", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ email: "no-at-sign", password: "long-enough", name: "N" }, "email"],
      [{ email: "short@example.com", password: "short", name: "N" }, "password"],
      [{ email: "noname@example.com", password: "long-enough", name: "   " }, "name"],
      [{ email: "longname@example.com", password: "long-enough", name: "n".repeat(101) }, "name"],
    ];
    for (const [input, field] of cases) {
      const response = await graphql(stack.url, REGISTER, { input });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const login = await graphql(stack.url, LOGIN, { email: "short@example.com", password: "short" });
    expect(login.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // Had a refused sign-up written its row, this would be a CONFLICT.
    await expectData(stack.url, REGISTER, {
      input: { email: "noname@example.com", password: "long-enough", name: "Named" },
    });
    const user = await register();
    const longName = await graphql(
      stack.url,
      `mutation($name: String) { updateProfile(input: { name: $name }) { name } }`,
      { name: "x".repeat(101) },
      user.token,
    );
    expect(longName.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
    const empty = await graphql(stack.url, `mutation { updateProfile(input: {}) { name } }`, {}, user.token);
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input" });
    const badId = await graphql(
      stack.url,
      GRANT,
      { id: "nope", role: "ADMIN" },
      (await adminSession()).token,
    );
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "userId" });
  });

  it("resolves User references in one batch with the email hidden from strangers", async () => {
    const a = await register("Ref A");
    const b = await register("Ref B");
    const subgraph = stack.subgraphs.get("accounts")!.url;
    const entities = await expectData<{
      _entities: ({ id: string; name: string; email: string | null } | null)[];
    }>(
      subgraph,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name email } } }`,
      {
        r: [
          { __typename: "User", id: a.user.id },
          { __typename: "User", id: b.user.id },
          { __typename: "User", id: "00000000-0000-4000-8000-000000000000" },
        ],
      },
      a.token,
    );
    expect(entities._entities).toEqual([
      { id: a.user.id, name: "Ref A", email: a.email },
      { id: b.user.id, name: "Ref B", email: null },
      null,
    ]);
  });

  it("publishes registrations (the admin bootstrap's too) and updates with roles to Kafka", async () => {
    const user = await register("Evented");
    const admin = await adminSession();
    await expectData(stack.url, GRANT, { id: user.user.id, role: "AUTHOR" }, admin.token);
    const events = await eventually(async () => {
      const decoded = received.map((m) =>
        decodeEvent(m.topic, { key: m.key, value: m.value, headers: m.headers }),
      );
      const mine = decoded.filter((e) => e.key === user.user.id);
      const bootstrap = decoded.find(
        (e) => e.topic === "accounts.user.registered" && e.key === admin.user.id,
      );
      return mine.length >= 2 && bootstrap ? { mine, bootstrap } : undefined;
    });
    expect(events.bootstrap.json).toMatchObject({ email: ADMIN_EMAIL, roles: ["CUSTOMER", "ADMIN"] });
    expect(events.mine.map((e) => [e.topic, e.json.roles])).toEqual([
      ["accounts.user.registered", ["CUSTOMER"]],
      ["accounts.user.updated", ["CUSTOMER", "AUTHOR"]],
    ]);
    expect(events.mine[0]?.source).toBe("/subgraphs/accounts");
  });
});
