import { generateKeyPairSync } from "node:crypto";
import { eq } from "drizzle-orm";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TokenSettings, verifyAccessToken } from "../../platform/auth/tokens.ts";
import { openTestDatabase } from "../../test/support/database.ts";
import { testTokenSettings } from "../../test/support/tokens.ts";
import { createUnitOfWork } from "../kit/unit-of-work.ts";
import { refreshTokens, users } from "./db/schema.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { hashRefreshToken } from "./repositories/sessions.ts";
import { accounts } from "./server.ts";

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );

// The flows, not the hashing cost, are under test here (passwords.test.ts covers the real parameters).
const CHEAP = { N: 1024, r: 8, p: 1 };

describe("accounts sign-up, sign-in and refresh", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: Repositories;
  const open = (tokens: TokenSettings = testTokenSettings, refreshTokenTtlSeconds = 3600) =>
    createRepositories(createUnitOfWork(database.db), {
      tokens,
      refreshTokenTtlSeconds,
      scrypt: CHEAP,
    });

  beforeAll(async () => {
    database = await openTestDatabase(accounts);
    repo = open();
  });
  afterAll(() => database.dispose());

  let counter = 0;
  const signUp = (password = "s3cret-passw0rd", r = repo) =>
    r.auth.register({ email: `user${++counter}@example.com`, name: "Test User", password });

  it("registers with a signed access token, its expiry and a refresh token; the password is stored hashed", async () => {
    const before = Date.now();
    const session = await signUp();
    const verified = verifyAccessToken(testTokenSettings, session.token);
    expect(verified.viewer).toEqual({ id: session.user.id, roles: ["CUSTOMER"] });
    expect(session.expiresAt).toEqual(verified.expiresAt);
    const after = Date.now();
    // exp is whole seconds from the moment of signing, somewhere between `before` and `after`.
    const ttlMs = testTokenSettings.accessTokenTtlSeconds * 1000;
    expect(session.expiresAt.getTime()).toBeGreaterThanOrEqual(before - 1000 + ttlMs);
    expect(session.expiresAt.getTime()).toBeLessThanOrEqual(after + ttlMs);
    expect(session.refreshToken).toMatch(/^[\w-]{43}$/);
    const [row] = await database.db.select().from(users).where(eq(users.id, session.user.id));
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    const [stored] = await database.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, session.user.id));
    expect(stored?.tokenHash).toBe(hashRefreshToken(session.refreshToken));
    expect(stored?.tokenHash).not.toContain(session.refreshToken);
  });

  it("answers a duplicate email with CONFLICT", async () => {
    await repo.auth.register({ email: "dup@example.com", name: "One", password: "password-1" });
    expect(
      await codeOf(repo.auth.register({ email: "dup@example.com", name: "Two", password: "password-2" })),
    ).toBe("CONFLICT");
  });

  it("signs in with the right password only; an unknown email gets the same answer", async () => {
    const { user } = await signUp("right-password");
    const session = await repo.auth.login(user.email, "right-password");
    expect(verifyAccessToken(testTokenSettings, session.token).viewer.id).toBe(user.id);
    const wrong = repo.auth.login(user.email, "wrong-password");
    await expect(wrong).rejects.toMatchObject({
      message: "Email or password is incorrect.",
      extensions: { code: "UNAUTHENTICATED" },
    });
    await expect(repo.auth.login("nobody@example.com", "right-password")).rejects.toMatchObject({
      message: "Email or password is incorrect.",
      extensions: { code: "UNAUTHENTICATED" },
    });
  });

  it("upgrades a hash made with older scrypt parameters when the password proves right", async () => {
    const email = `legacy${++counter}@example.com`;
    const passwordHash = await hashPassword("legacy-password", { N: 512, r: 8, p: 1 });
    await createUnitOfWork(database.db).transact((tx, publish) =>
      repo.users.insert(tx, publish, { email, name: "Legacy", passwordHash }),
    );
    await expect(repo.auth.login(email, "wrong-password")).rejects.toThrow();
    expect((await repo.users.findCredentials(email))?.passwordHash).toBe(passwordHash);
    await repo.auth.login(email, "legacy-password");
    const upgraded = (await repo.users.findCredentials(email))!.passwordHash;
    expect(upgraded.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await verifyPassword("legacy-password", upgraded)).toBe(true);
  });

  it("forgets expired refresh tokens of a user when it issues a new one", async () => {
    const expiring = open(testTokenSettings, -60);
    const session = await signUp("s3cret-passw0rd", expiring);
    await repo.auth.login(session.user.email, "s3cret-passw0rd");
    const left = await database.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, session.user.id));
    expect(left).toHaveLength(1);
    expect(left[0]?.tokenHash).not.toBe(hashRefreshToken(session.refreshToken));
  });

  it("rotates a refresh token: the new one works, the old one is spent, roles are read again", async () => {
    const first = await signUp();
    await repo.users.grantRoles(first.user.id, ["AUTHOR"]);
    const second = await repo.auth.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(verifyAccessToken(testTokenSettings, second.token).viewer.roles).toEqual(["CUSTOMER", "AUTHOR"]);
    const third = await repo.auth.refresh(second.refreshToken);
    expect(third.user.id).toBe(first.user.id);
    const family = await database.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, first.user.id));
    expect(new Set(family.map((t) => t.familyId)).size).toBe(1);
    expect(family.filter((t) => t.usedAt === null)).toHaveLength(1);
  });

  it("revokes the whole family when a rotated token is presented again", async () => {
    const first = await signUp();
    const second = await repo.auth.refresh(first.refreshToken);
    expect(await codeOf(repo.auth.refresh(first.refreshToken))).toBe("UNAUTHENTICATED");
    // The thief or the owner: nobody keeps the family, not even the newest token.
    expect(await codeOf(repo.auth.refresh(second.refreshToken))).toBe("UNAUTHENTICATED");
    // Another sign-in of the same user (another family) is unaffected.
    const other = await repo.auth.login(first.user.email, "s3cret-passw0rd");
    expect(await codeOf(repo.auth.refresh(other.refreshToken))).toBe("resolved");
  });

  it("lets one of two concurrent uses of a token win; the other counts as reuse and revokes the family", async () => {
    const first = await signUp();
    const outcomes = await Promise.allSettled([
      repo.auth.refresh(first.refreshToken),
      repo.auth.refresh(first.refreshToken),
    ]);
    const won = outcomes.filter((o) => o.status === "fulfilled");
    expect(won).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason.extensions.code).toBe("UNAUTHENTICATED");
    const winner = (won[0] as PromiseFulfilledResult<{ refreshToken: string }>).value;
    expect(await codeOf(repo.auth.refresh(winner.refreshToken))).toBe("UNAUTHENTICATED");
    const live = await database.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, first.user.id));
    expect(live.every((t) => t.revokedAt !== null)).toBe(true);
  });

  it("refuses an expired or unknown refresh token", async () => {
    const expiring = open(testTokenSettings, -60);
    const session = await signUp("s3cret-passw0rd", expiring);
    await expect(repo.auth.refresh(session.refreshToken)).rejects.toMatchObject({
      message: "The refresh token has expired; sign in again.",
      extensions: { code: "UNAUTHENTICATED" },
    });
    expect(await codeOf(repo.auth.refresh("not-a-token-we-ever-issued"))).toBe("UNAUTHENTICATED");
  });

  it("signs RS256 access tokens with a private key that the public key verifies", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const rs256: TokenSettings = { ...testTokenSettings, algorithm: "RS256", privateKey, publicKey };
    const session = await signUp("s3cret-passw0rd", open(rs256));
    expect(jwt.decode(session.token, { complete: true })?.header.alg).toBe("RS256");
    expect(verifyAccessToken({ ...rs256, privateKey: undefined }, session.token).viewer.id).toBe(
      session.user.id,
    );
    // An HS256 verifier must not accept it, and an HS256 token is HS256.
    expect(() => verifyAccessToken(testTokenSettings, session.token)).toThrow();
    expect(jwt.decode((await signUp()).token, { complete: true })?.header.alg).toBe("HS256");
  });
});
