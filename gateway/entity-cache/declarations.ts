// What each subgraph declares cacheable, read from its own SDL: `@cacheable(maxAge:, scope:)` on an entity type
// (its `_entities` answers) or on a Query field (that root field's answers), and the Mutation fields' return
// types and arguments (what a mutation changed, for the writer's own reads), and the fields marked @uncacheable
// (they change without an event, so a fetch selecting one is never cached).
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  Kind,
  parse,
  type TypeNode,
  valueFromASTUntyped,
} from "graphql";
import { CACHE_SCOPES, type CacheScope } from "./keys.ts";

export interface CachePolicy {
  maxAgeSeconds: number;
  scope: CacheScope;
}

export interface RootFieldPolicy extends CachePolicy {
  /** The entity type the field returns: its `id` argument names the entry's tag. */
  returnType: string;
}

export interface MutationField {
  returnType: string;
  arguments: readonly string[];
}

export interface SubgraphCachePolicies {
  entities: ReadonlyMap<string, CachePolicy>;
  rootFields: ReadonlyMap<string, RootFieldPolicy>;
  mutations: ReadonlyMap<string, MutationField>;
  /** Names of fields that change without an event, on any type of this subgraph. */
  uncacheableFields: ReadonlySet<string>;
}

export const CACHEABLE_DIRECTIVE = "cacheable";
export const UNCACHEABLE_DIRECTIVE = "uncacheable";

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function policyOf(
  directives: readonly ConstDirectiveNode[] | undefined,
  where: string,
): CachePolicy | undefined {
  const directive = directives?.find((d) => d.name.value === CACHEABLE_DIRECTIVE);
  if (!directive) return undefined;
  const args = Object.fromEntries(
    (directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)] as const),
  );
  const maxAge = args.maxAge;
  const scope = args.scope ?? "PUBLIC";
  if (typeof maxAge !== "number" || !Number.isInteger(maxAge) || maxAge <= 0) {
    throw new Error(`@cacheable on ${where} needs a positive integer maxAge`);
  }
  if (!CACHE_SCOPES.includes(scope as CacheScope)) {
    throw new Error(`@cacheable on ${where}: scope is ${CACHE_SCOPES.join(", ")}, not ${String(scope)}`);
  }
  return { maxAgeSeconds: maxAge, scope: scope as CacheScope };
}

/** Reads one subgraph's declarations; a malformed @cacheable throws, naming where it is. */
export function cachePoliciesOf(subgraph: string, sdl: string): SubgraphCachePolicies {
  const entities = new Map<string, CachePolicy>();
  const rootFields = new Map<string, RootFieldPolicy>();
  const mutations = new Map<string, MutationField>();
  const uncacheableFields = new Set<string>();
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    const typeName = definition.name.value;
    const fields: readonly FieldDefinitionNode[] = definition.fields ?? [];
    for (const field of fields) {
      if (field.directives?.some((d) => d.name.value === UNCACHEABLE_DIRECTIVE))
        uncacheableFields.add(field.name.value);
    }
    if (typeName === "Mutation") {
      for (const field of fields) {
        const args = (field.arguments ?? []).map((a) => a.name.value);
        mutations.set(field.name.value, { returnType: namedType(field.type), arguments: args });
      }
      continue;
    }
    if (typeName === "Query") {
      for (const field of fields) {
        const policy = policyOf(field.directives, `${subgraph} Query.${field.name.value}`);
        if (!policy) continue;
        if (!field.arguments?.some((a) => a.name.value === "id")) {
          throw new Error(
            `@cacheable on ${subgraph} Query.${field.name.value} needs an id argument to tag it`,
          );
        }
        rootFields.set(field.name.value, { ...policy, returnType: namedType(field.type) });
      }
      continue;
    }
    const policy = policyOf(definition.directives, `${subgraph} ${typeName}`);
    if (policy) entities.set(typeName, policy);
  }
  return { entities, rootFields, mutations, uncacheableFields };
}

/**
 * Each subgraph's SDL sits beside the composed supergraph as `<name>.graphql` (schemas/, as supergraph.yaml
 * lays it out); a subgraph without one there declares nothing, so nothing of it is cached.
 */
export async function readCachePolicies(
  supergraphPath: string,
  subgraphs: readonly string[],
): Promise<Map<string, SubgraphCachePolicies>> {
  const policies = new Map<string, SubgraphCachePolicies>();
  for (const name of subgraphs) {
    const sdl = await readFile(join(dirname(supergraphPath), `${name}.graphql`), "utf8").catch(
      () => undefined,
    );
    if (sdl !== undefined) policies.set(name, cachePoliciesOf(name, sdl));
  }
  return policies;
}
