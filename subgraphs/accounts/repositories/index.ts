// accounts' repositories, one per aggregate (users, refresh-token sessions), and the sign-in flows built on both:
// what server.ts hands to loaders and resolvers.
import type { SubgraphConfig } from "../../kit/config.ts";
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { createAuthService } from "../auth.ts";
import { createPasswords, type ScryptParams } from "../passwords.ts";
import { createSessionsRepository } from "./sessions.ts";
import { createUsersRepository } from "./users.ts";

export type AccountsSettings = Pick<SubgraphConfig, "tokens" | "refreshTokenTtlSeconds"> & {
  /** Password hashing cost; the default suits production, tests of the flows may pass a cheaper one. */
  scrypt?: ScryptParams;
};

export function createRepositories(uow: UnitOfWork, settings: AccountsSettings) {
  const users = createUsersRepository(uow);
  const sessions = createSessionsRepository(uow, settings.refreshTokenTtlSeconds);
  const passwords = createPasswords(settings.scrypt);
  const auth = createAuthService({ uow, users, sessions, passwords, tokens: settings.tokens });
  return {
    users,
    sessions,
    passwords,
    auth,

    /** The configured admin exists and holds ADMIN (and CUSTOMER); its password is set only on creation. */
    ensureAdmin(admin: SubgraphConfig["admin"]) {
      return users.ensure({ email: admin.email, name: "Administrator", roles: ["CUSTOMER", "ADMIN"] }, () =>
        passwords.hash(admin.password),
      );
    },
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
