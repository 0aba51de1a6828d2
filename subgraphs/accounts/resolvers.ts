// accounts' resolvers: validate, authorize, call the repository.
import { badInput, notFound } from "../../platform/errors.ts";
import { canSee, requireViewer } from "../kit/guards.ts";
import { id, isId } from "../kit/validation.ts";
import type { AuthPayload } from "./auth.ts";
import type { Resolvers } from "./generated/resolvers-types.ts";
import type { Context } from "./loaders.ts";
import type { Repositories } from "./repositories/index.ts";
import type { User } from "./repositories/users.ts";
import * as valid from "./validation.ts";

/** Marks the user an AuthPayload was issued for: that caller has just proved to be them. */
const AUTHENTICATED = Symbol("the caller has just signed in as this user");
type ShownUser = User & { [AUTHENTICATED]?: true };

const userById = (ctx: Context, userId: string) =>
  isId(userId) ? ctx.loaders.userById.load(userId.toLowerCase()) : null;

/** `satisfies` rather than a return type: the map is checked against the SDL and keeps its own callable type. */
export function createResolvers({ auth, users }: Repositories) {
  return {
    Query: {
      me: (_, __, ctx) => (ctx.viewer ? userById(ctx, ctx.viewer.id) : null),
      user: (_, args, ctx) => userById(ctx, args.id),
    },

    Mutation: {
      register: (_, { input }) =>
        auth.register({
          email: valid.email(input.email),
          password: valid.password(input.password),
          name: valid.name(input.name),
        }),

      login: (_, args) => {
        const { email, password } = valid.loginCredentials(args.email, args.password);
        return auth.login(email, password);
      },

      refreshToken: (_, args) => auth.refresh(valid.refreshToken(args.refreshToken)),

      updateProfile: async (_, { input }, ctx) => {
        const viewer = requireViewer(ctx);
        if (input.name == null) throw badInput("Give at least one field to change.", "input");
        const name = valid.name(input.name);
        // A validly signed token for an id we never issued (not even a UUID) names nobody here.
        if (!isId(viewer.id)) throw notFound("User", viewer.id);
        const updated = await users.updateName(viewer.id.toLowerCase(), name);
        if (!updated) throw notFound("User", viewer.id);
        return updated;
      },

      /** Admins only: @requiresScopes(scopes: [["ADMIN"]]) in accounts.graphql, checked before this runs. */
      grantRole: async (_, args) => {
        const userId = id(args.userId, "userId");
        const updated = await users.grantRoles(userId, [args.role]);
        if (!updated) throw notFound("User", args.userId);
        return updated;
      },
    },

    AuthPayload: {
      // The request itself carries no token yet, so the new session, not ctx.viewer, vouches for the caller.
      user: (payload: AuthPayload): ShownUser => ({ ...payload.user, [AUTHENTICATED]: true }),
    },

    User: {
      __resolveReference: (ref, ctx) => userById(ctx, ref.id),
      email: (user: ShownUser, _: unknown, ctx: Context) =>
        user[AUTHENTICATED] || canSee(ctx.viewer, user.id) ? user.email : null,
    },
  } satisfies Resolvers<Context>;
}
