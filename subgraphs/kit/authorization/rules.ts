// Reads Federation's @authenticated and @requiresScopes from a schema's SDL and decides who passes them.
import {
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLObjectType,
  valueFromASTUntyped,
} from "graphql";
import type { Viewer } from "../../../platform/auth/tokens.ts";
import { forbidden, unauthenticated } from "../../../platform/errors.ts";

/** What a field demands: a signed-in viewer, and optionally one of several role sets (OR of ANDs). */
export interface AccessRule {
  authenticated: boolean;
  /** `[["ADMIN"]]` = ADMIN; `[["A","B"],["C"]]` = (A and B) or C. Empty = no scope needed. */
  scopes: string[][];
}

function directivesOf(nodes: readonly ({ directives?: readonly ConstDirectiveNode[] } | null | undefined)[]) {
  return nodes.flatMap((node) => node?.directives ?? []);
}

function ruleFrom(directives: readonly ConstDirectiveNode[]): AccessRule | null {
  let rule = null as AccessRule | null;
  for (const directive of directives) {
    if (directive.name.value === "authenticated") {
      rule = { authenticated: true, scopes: rule?.scopes ?? [] };
    } else if (directive.name.value === "requiresScopes") {
      const arg = directive.arguments?.find((a) => a.name.value === "scopes");
      const scopes = arg ? (valueFromASTUntyped(arg.value) as string[][]) : [];
      // Several directives on one field must all pass; an AND of ORs is folded into one OR of ANDs.
      const merged: string[][] = rule?.scopes.length
        ? rule.scopes.flatMap((left) => scopes.map((right) => [...left, ...right]))
        : scopes;
      rule = { authenticated: true, scopes: merged };
    }
  }
  return rule;
}

/** The rule of a field: its own directives plus those of its type (a protected type protects every field). */
export function ruleOf(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): AccessRule | null {
  return ruleFrom([
    ...directivesOf([type.astNode, ...type.extensionASTNodes]),
    ...directivesOf([field.astNode]),
  ]);
}

/** Throws UNAUTHENTICATED without a viewer, FORBIDDEN when no scope set is covered by the viewer's roles. */
export function check(rule: AccessRule, viewer: Viewer | null, coordinate: string): void {
  if (!viewer) throw unauthenticated(`Sign in to use ${coordinate}.`);
  if (rule.scopes.length === 0) return;
  const roles = new Set<string>(viewer.roles);
  if (rule.scopes.some((set) => set.every((scope) => roles.has(scope)))) return;
  const needed = rule.scopes.map((set) => set.join(" and ")).join(" or ");
  throw forbidden(`${coordinate} needs the role ${needed}.`);
}
