// Ownership checks resolvers call before touching data; role checks are declared in the SDL
// (@authenticated, @requiresScopes) and enforced by kit/authorization.
import { isAdmin, type Viewer } from "../../platform/auth/tokens.ts";
import { forbidden, unauthenticated } from "../../platform/errors.ts";
import type { SubgraphContext } from "./context.ts";

export function requireViewer(ctx: SubgraphContext<unknown>): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/** The owner of a resource or an admin. */
export function requireOwnerOrAdmin(ctx: SubgraphContext<unknown>, ownerId: string): Viewer {
  const viewer = requireViewer(ctx);
  if (viewer.id !== ownerId && !isAdmin(viewer)) throw forbidden("Only its owner or an admin may do this.");
  return viewer;
}

export function canSee(viewer: Viewer | null, ownerId: string): boolean {
  return viewer !== null && (viewer.id === ownerId || isAdmin(viewer));
}
