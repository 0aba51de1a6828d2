// accounts' resolvers: validate, authorize, call the repository.
import type { Role } from "../../platform/auth/tokens.ts";
import { badInput, notFound } from "../../platform/errors.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { canSee, requireViewer } from "../kit/guards.ts";
import { id, isId } from "../kit/validation.ts";
import type { AuthPayload } from "./auth.ts";
import type { AccountsLoaders } from "./loaders.ts";
import type { AccountsRepository } from "./repositories/index.ts";
import type { User } from "./repositories/users.ts";
import * as valid from "./validation.ts";

type Context = SubgraphContext<AccountsLoaders>;

interface RegisterInput {
  email: string;
  password: string;
  name: string;
}

interface UpdateProfileInput {
  name?: string | null;
}

/** Marks the user an AuthPayload was issued for: that caller has just proved to be them. */
const AUTHENTICATED = Symbol("the caller has just signed in as this user");
type ShownUser = User & { [AUTHENTICATED]?: true };

const userById = (ctx: Context, userId: string) =>
  isId(userId) ? ctx.loaders.userById.load(userId.toLowerCase()) : null;

export function accountsResolvers(repo: AccountsRepository) {
  return {
    Query: {
      me: (_: unknown, __: unknown, ctx: Context) => (ctx.viewer ? userById(ctx, ctx.viewer.id) : null),
      user: (_: unknown, args: { id: string }, ctx: Context) => userById(ctx, args.id),
    },

    Mutation: {
      register: (_: unknown, { input }: { input: RegisterInput }) =>
        repo.auth.register({
          email: valid.email(input.email),
          password: valid.password(input.password),
          name: valid.name(input.name),
        }),

      login: (_: unknown, args: { email: string; password: string }) => {
        const { email, password } = valid.loginCredentials(args.email, args.password);
        return repo.auth.login(email, password);
      },

      refreshToken: (_: unknown, args: { refreshToken: string }) =>
        repo.auth.refresh(valid.refreshToken(args.refreshToken)),

      updateProfile: async (_: unknown, { input }: { input: UpdateProfileInput }, ctx: Context) => {
        const viewer = requireViewer(ctx);
        if (input.name == null) throw badInput("Give at least one field to change.", "input");
        const name = valid.name(input.name);
        // A validly signed token for an id we never issued (not even a UUID) names nobody here.
        if (!isId(viewer.id)) throw notFound("User", viewer.id);
        const updated = await repo.users.updateName(viewer.id.toLowerCase(), name);
        if (!updated) throw notFound("User", viewer.id);
        return updated;
      },

      /** Admins only: @requiresScopes(scopes: [["ADMIN"]]) in accounts.graphql, checked before this runs. */
      grantRole: async (_: unknown, args: { userId: string; role: Role }) => {
        const userId = id(args.userId, "userId");
        const updated = await repo.users.grantRoles(userId, [args.role]);
        if (!updated) throw notFound("User", args.userId);
        return updated;
      },
    },

    AuthPayload: {
      // The request itself carries no token yet, so the new session, not ctx.viewer, vouches for the caller.
      user: (payload: AuthPayload): ShownUser => ({ ...payload.user, [AUTHENTICATED]: true }),
    },

    User: {
      __resolveReference: (ref: { id: string }, ctx: Context) => userById(ctx, ref.id),
      email: (user: ShownUser, _: unknown, ctx: Context) =>
        user[AUTHENTICATED] || canSee(ctx.viewer, user.id) ? user.email : null,
    },
  };
}
