// A writer reads its own write: after a mutation fetch, the entities it changed are dropped before the gateway
// answers, without waiting for their events. Found by the mutation field's arguments (`id`, `productId`, ...),
// by the ids anywhere in its answer (`publishArticle { author { id } }`), and the writer themself: most
// mutations change the caller's own user (their posts, articles, follows, profile).
import type { GatewayGraphQLResponse } from "@apollo/server-gateway-interface";
import type { SubgraphCachePolicies } from "./declarations.ts";
import { argumentValue, type RootField } from "./fetch-shape.ts";
import { entityTag } from "./keys.ts";

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The type a signed-in caller is, in every subgraph: their token's id is a User's id. */
const VIEWER_TYPE = "User";

/** Each object with an id in the answer, at any depth; `typename` unknown only at the top. */
function idsIn(value: unknown, into: (id: string, typename?: string) => void, depth = 0): void {
  if (Array.isArray(value)) {
    for (const item of value) idsIn(item, into, depth);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const { id, __typename } = value as { id?: unknown; __typename?: unknown };
  const typename = typeof __typename === "string" ? __typename : undefined;
  if ((typeof id === "string" || typeof id === "number") && (typename || depth === 0))
    into(String(id), typename);
  for (const [key, nested] of Object.entries(value)) {
    if (key !== "id" && key !== "__typename") idsIn(nested, into, depth + 1);
  }
}

export interface WrittenEntities {
  policies: SubgraphCachePolicies;
  /** Every entity type some subgraph caches. */
  cachedTypes: ReadonlySet<string>;
  fields: readonly RootField[];
  variables: Record<string, unknown> | undefined;
  response: GatewayGraphQLResponse;
  /** The signed-in caller: `updateProfile { name }` changes them and names no id at all. */
  viewerId?: string;
}

/** Tags of the entities a mutation fetch may have changed; more than it did is harmless, fewer is not. */
export function writtenTags(written: WrittenEntities): string[] {
  const { policies, cachedTypes, fields, variables, response, viewerId } = written;
  const tags = new Set<string>();
  const data = response.data as Record<string, unknown> | null | undefined;
  const ownTypes = [...policies.entities.keys()];
  for (const field of fields) {
    const mutation = policies.mutations.get(field.name);
    if (!mutation) continue;
    const returnsCached = cachedTypes.has(mutation.returnType);
    for (const name of mutation.arguments) {
      const value = argumentValue(field, name, variables);
      if (typeof value !== "string" && typeof value !== "number") continue;
      if (name === "id") {
        // deleteProduct(id): Boolean names its entity only by the argument: every type this subgraph caches.
        for (const type of returnsCached ? [mutation.returnType] : ownTypes)
          tags.add(entityTag(type, String(value)));
      } else if (name.endsWith("Id") && cachedTypes.has(capitalized(name.slice(0, -2)))) {
        tags.add(entityTag(capitalized(name.slice(0, -2)), String(value)));
      }
    }
    idsIn(data?.[field.responseKey], (id, typename) => {
      const type = typename ?? mutation.returnType;
      if (cachedTypes.has(type)) tags.add(entityTag(type, id));
    });
    if (viewerId && cachedTypes.has(VIEWER_TYPE)) tags.add(entityTag(VIEWER_TYPE, viewerId));
  }
  return [...tags];
}
