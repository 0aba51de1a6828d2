// accounts' user data access: profiles, credentials and roles, each change with its event in one transaction.
import { eq, inArray } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import { ROLES, type Role } from "../../../platform/auth/tokens.ts";
import type { Db } from "../../kit/database.ts";
import type { Publish, UnitOfWork } from "../../kit/unit-of-work.ts";
import { users } from "../db/schema.ts";

/** A user as the API sees it: never the password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  createdAt: Date;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  roles?: Role[];
}

/** The email is registered already (also when two sign-ups race: the unique index decides). */
export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email exists already.");
  }
}

const columns = {
  id: users.id,
  email: users.email,
  name: users.name,
  roles: users.roles,
  createdAt: users.createdAt,
};

/** Roles in one order everywhere (tokens, events, API), whatever order they were granted in. */
export function sortRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}

function toUser(row: User): User {
  return { ...row, roles: sortRoles(row.roles) };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function isUniqueViolation(error: unknown): boolean {
  // drizzle wraps the driver's error (PGlite or postgres.js) in `cause`.
  for (let e: unknown = error; e instanceof Object; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

// The events accounts publishes about users, always from inside the change's transaction; feed keeps names and
// its admin list from them.
async function announceRegistered(publish: Publish, user: User) {
  await publish({
    topic: Topics.UserRegistered,
    key: user.id,
    payload: {
      entity: { typename: "User", id: user.id },
      userId: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
    },
  });
}

async function announceUpdated(publish: Publish, user: User) {
  await publish({
    topic: Topics.UserUpdated,
    key: user.id,
    payload: {
      entity: { typename: "User", id: user.id },
      userId: user.id,
      name: user.name,
      roles: user.roles,
    },
  });
}

async function insertIn(tx: Db, publish: Publish, input: NewUser): Promise<User> {
  let row: User | undefined;
  try {
    [row] = await tx
      .insert(users)
      .values({ ...input, email: normaliseEmail(input.email), roles: sortRoles(input.roles ?? ["CUSTOMER"]) })
      .returning(columns);
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError();
    throw error;
  }
  const user = toUser(row!);
  await announceRegistered(publish, user);
  return user;
}

async function grantIn(tx: Db, publish: Publish, id: string, roles: readonly Role[]): Promise<User | null> {
  // The row lock serialises concurrent grants, so none of them is lost.
  const [current] = await tx.select(columns).from(users).where(eq(users.id, id)).for("update");
  if (!current) return null;
  const missing = roles.filter((r) => !current.roles.includes(r));
  if (missing.length === 0) return toUser(current);
  const [row] = await tx
    .update(users)
    .set({ roles: sortRoles([...current.roles, ...missing]), updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning(columns);
  const user = toUser(row!);
  await announceUpdated(publish, user);
  return user;
}

export function createUsersRepository({ db, transact }: UnitOfWork) {
  return {
    async findByIds(ids: readonly string[]): Promise<User[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .select(columns)
        .from(users)
        .where(inArray(users.id, [...ids]));
      return rows.map(toUser);
    },

    /** The user and their password hash, for signing in. */
    async findCredentials(email: string): Promise<{ user: User; passwordHash: string } | null> {
      const [row] = await db
        .select({ ...columns, passwordHash: users.passwordHash })
        .from(users)
        .where(eq(users.email, normaliseEmail(email)));
      if (!row) return null;
      const { passwordHash, ...user } = row;
      return { user: toUser(user), passwordHash };
    },

    /** Inside the caller's transaction, so the first session is issued with the account; a duplicate throws. */
    insert: insertIn,

    updateName(id: string, name: string): Promise<User | null> {
      return transact(async (tx, publish) => {
        const [row] = await tx
          .update(users)
          .set({ name, updatedAt: new Date() })
          .where(eq(users.id, id))
          .returning(columns);
        if (!row) return null;
        const user = toUser(row);
        await announceUpdated(publish, user);
        return user;
      });
    },

    /** Adds the roles the user lacks; announces only a real change, so granting twice is harmless. */
    grantRoles(id: string, roles: readonly Role[]): Promise<User | null> {
      return transact((tx, publish) => grantIn(tx, publish, id, roles));
    },

    /**
     * Makes sure a user with this email exists and holds `roles`. Creates it with `passwordHash()` only when
     * missing (an existing password is never overwritten); safe to run on every start and concurrently.
     */
    async ensure(
      input: Omit<NewUser, "passwordHash">,
      passwordHash: () => Promise<string>,
    ): Promise<{ user: User; created: boolean }> {
      const email = normaliseEmail(input.email);
      const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
      const hash = existing ? null : await passwordHash();
      return transact(async (tx, publish) => {
        if (hash) {
          const [row] = await tx
            .insert(users)
            .values({ email, name: input.name, passwordHash: hash, roles: sortRoles(input.roles ?? []) })
            .onConflictDoNothing({ target: users.email })
            .returning(columns);
          if (row) {
            const user = toUser(row);
            await announceRegistered(publish, user);
            return { user, created: true };
          }
        }
        const [found] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
        const user = await grantIn(tx, publish, found!.id, input.roles ?? []);
        return { user: user!, created: false };
      });
    },

    /** Upgrades a hash made with older scrypt parameters, after a successful sign-in proved the password. */
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, id));
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
