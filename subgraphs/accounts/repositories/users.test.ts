import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../../test/support/database.ts";
import { testTokenSettings } from "../../../test/support/tokens.ts";
import { createUnitOfWork } from "../../kit/unit-of-work.ts";
import { outbox, users as usersTable } from "../db/schema.ts";
import { verifyPassword } from "../passwords.ts";
import { accounts } from "../server.ts";
import { createRepositories, type Repositories } from "./index.ts";
import { EmailTakenError } from "./users.ts";

describe("accounts users repository", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: Repositories;

  beforeAll(async () => {
    database = await openTestDatabase(accounts);
    repo = createRepositories(createUnitOfWork(database.db), {
      tokens: testTokenSettings,
      refreshTokenTtlSeconds: 3600,
      scrypt: { N: 1024, r: 8, p: 1 },
    });
  });
  afterAll(() => database.dispose());

  const register = (email: string, name = "Ada") =>
    createUnitOfWork(database.db).transact((tx, publish) =>
      repo.users.insert(tx, publish, { email, name, passwordHash: "scrypt$1$1$1$x$y" }),
    );

  const eventsAbout = async (key: string) =>
    (await database.db.select().from(outbox).where(eq(outbox.key, key)))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => ({ topic: e.topic, payload: e.payload }));

  it("stores the email normalised, as a CUSTOMER, and announces the registration in the same transaction", async () => {
    const user = await register("  Ada.Lovelace@Example.COM ");
    expect(user).toMatchObject({ email: "ada.lovelace@example.com", name: "Ada", roles: ["CUSTOMER"] });
    expect(await eventsAbout(user.id)).toEqual([
      {
        topic: "accounts.user.registered",
        payload: expect.objectContaining({
          entity: { typename: "User", id: user.id },
          userId: user.id,
          email: "ada.lovelace@example.com",
          roles: ["CUSTOMER"],
        }),
      },
    ]);
  });

  it("refuses an email registered already in another case, writing and announcing nothing", async () => {
    await register("grace@example.com");
    const before = (await database.db.select().from(outbox)).length;
    await expect(register("GRACE@example.com ")).rejects.toBeInstanceOf(EmailTakenError);
    expect((await database.db.select().from(outbox)).length).toBe(before);
    const rows = await database.db.select().from(usersTable).where(eq(usersTable.email, "grace@example.com"));
    expect(rows).toHaveLength(1);
  });

  it("lets exactly one of two racing sign-ups with the same email through", async () => {
    const results = await Promise.allSettled([register("race@example.com"), register("Race@example.com")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(EmailTakenError);
  });

  it("grants a role once: a second grant changes and announces nothing", async () => {
    const user = await register("author@example.com");
    const granted = await repo.users.grantRoles(user.id, ["AUTHOR"]);
    expect(granted?.roles).toEqual(["CUSTOMER", "AUTHOR"]);
    const again = await repo.users.grantRoles(user.id, ["AUTHOR"]);
    expect(again?.roles).toEqual(["CUSTOMER", "AUTHOR"]);
    const events = await eventsAbout(user.id);
    expect(events.map((e) => e.topic)).toEqual(["accounts.user.registered", "accounts.user.updated"]);
    expect(events[1]?.payload).toMatchObject({ userId: user.id, name: "Ada", roles: ["CUSTOMER", "AUTHOR"] });
    expect(await repo.users.grantRoles("00000000-0000-4000-8000-000000000000", ["ADMIN"])).toBeNull();
  });

  it("renames a user and announces it; an unknown user is reported as null", async () => {
    const user = await register("rename@example.com", "Old");
    const renamed = await repo.users.updateName(user.id, "New");
    expect(renamed?.name).toBe("New");
    expect((await eventsAbout(user.id)).at(-1)).toEqual({
      topic: "accounts.user.updated",
      payload: expect.objectContaining({ userId: user.id, name: "New", roles: ["CUSTOMER"] }),
    });
    expect(await repo.users.updateName("00000000-0000-4000-8000-000000000000", "x")).toBeNull();
  });

  it("loads many users by id in one call, without their password hashes", async () => {
    const a = await register("a@example.com");
    const b = await register("b@example.com");
    const found = await repo.users.findByIds([a.id, b.id, "00000000-0000-4000-8000-000000000000"]);
    expect(found.map((u) => u.email).sort()).toEqual(["a@example.com", "b@example.com"]);
    expect(found[0]).not.toHaveProperty("passwordHash");
  });

  it("bootstraps the admin once, keeps an existing password, and restores a missing ADMIN role", async () => {
    const admin = { email: "Boss@Example.com", password: "first-password" };
    const first = await repo.ensureAdmin(admin);
    expect(first).toMatchObject({
      created: true,
      user: { email: "boss@example.com", roles: ["CUSTOMER", "ADMIN"] },
    });
    const second = await repo.ensureAdmin({ ...admin, password: "other-password" });
    expect(second).toMatchObject({ created: false, user: { id: first.user.id } });
    const credentials = await repo.users.findCredentials("boss@example.com");
    expect(await verifyPassword("first-password", credentials!.passwordHash)).toBe(true);

    await database.db
      .update(usersTable)
      .set({ roles: ["CUSTOMER"] })
      .where(eq(usersTable.id, first.user.id));
    const restored = await repo.ensureAdmin(admin);
    expect(restored.user.roles).toEqual(["CUSTOMER", "ADMIN"]);
    expect((await eventsAbout(first.user.id)).map((e) => e.topic)).toEqual([
      "accounts.user.registered",
      "accounts.user.updated",
    ]);
  });

  it("promotes an existing user with the admin email instead of creating a second account", async () => {
    const user = await register("promote@example.com");
    const result = await repo.ensureAdmin({ email: "promote@example.com", password: "irrelevant-1" });
    expect(result).toMatchObject({ created: false, user: { id: user.id, roles: ["CUSTOMER", "ADMIN"] } });
  });
});
