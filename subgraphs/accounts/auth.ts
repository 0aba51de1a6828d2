// Signing up, signing in and refreshing: passwords checked, refresh tokens rotated, access tokens signed.
import { signAccessToken, type TokenSettings } from "../../platform/auth/tokens.ts";
import { conflict, unauthenticated } from "../../platform/errors.ts";
import type { UnitOfWork } from "../kit/unit-of-work.ts";
import type { Passwords } from "./passwords.ts";
import type { IssuedRefreshToken, SessionsRepository } from "./repositories/sessions.ts";
import { EmailTakenError, type User, type UsersRepository } from "./repositories/users.ts";

export interface AuthPayload {
  token: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
}

export interface Registration {
  email: string;
  name: string;
  password: string;
}

const WRONG_CREDENTIALS = "Email or password is incorrect.";

export function createAuthService(deps: {
  uow: UnitOfWork;
  users: UsersRepository;
  sessions: SessionsRepository;
  passwords: Passwords;
  tokens: TokenSettings;
}) {
  const { uow, users, sessions, passwords, tokens } = deps;

  function payload(user: User, refresh: IssuedRefreshToken): AuthPayload {
    const { token, expiresAt } = signAccessToken(tokens, { id: user.id, roles: user.roles });
    return { token, expiresAt, refreshToken: refresh.token, user };
  }

  return {
    async register(input: Registration): Promise<AuthPayload> {
      // Hashing takes tens of milliseconds: do it before the transaction, not while holding it open.
      const passwordHash = await passwords.hash(input.password);
      try {
        return await uow.transact(async (tx, publish) => {
          const user = await users.insert(tx, publish, {
            email: input.email,
            name: input.name,
            passwordHash,
          });
          return payload(user, await sessions.issue(tx, user.id));
        });
      } catch (error) {
        if (error instanceof EmailTakenError) throw conflict(error.message);
        throw error;
      }
    },

    async login(email: string, password: string): Promise<AuthPayload> {
      const found = await users.findCredentials(email);
      if (!found) {
        // Same work and same answer as a wrong password: the response does not tell which emails exist.
        await passwords.spendDecoy(password);
        throw unauthenticated(WRONG_CREDENTIALS);
      }
      if (!(await passwords.verify(password, found.passwordHash))) throw unauthenticated(WRONG_CREDENTIALS);
      if (passwords.needsRehash(found.passwordHash)) {
        await users.setPasswordHash(found.user.id, await passwords.hash(password));
      }
      const refresh = await uow.transact((tx) => sessions.issue(tx, found.user.id));
      return payload(found.user, refresh);
    },

    async refresh(refreshToken: string): Promise<AuthPayload> {
      const outcome = await sessions.rotate(refreshToken);
      if (!outcome.ok) {
        throw unauthenticated(
          outcome.reason === "expired"
            ? "The refresh token has expired; sign in again."
            : "The refresh token is not valid; sign in again.",
        );
      }
      // Roles are read again, so a role granted since the last sign-in is in the new access token.
      const [user] = await users.findByIds([outcome.userId]);
      if (!user) throw unauthenticated("The refresh token is not valid; sign in again.");
      return payload(user, outcome.next);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
