// Finds the @event directives that bind Subscription fields to Kafka topics in a composed supergraph.
import {
  type ConstDirectiveNode,
  type DocumentNode,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  valueFromASTUntyped,
} from "graphql";

/** The link URL the subgraphs import @event from; composition keeps the link in the supergraph. */
export const EVENT_SPEC_URL = "https://tributary.dev/event/";

export interface EventFilter {
  /** Subscription field argument; null or omitted means "any". */
  argument: string;
  /** Payload field compared with it. */
  field: string;
}

export interface EventBinding {
  /** The Subscription field name. */
  field: string;
  topic: string;
  /** Query field loading the entity by `id`. */
  entityField: string;
  filters: EventFilter[];
  /** Payload field holding the only user entitled to the event. */
  owner?: string;
  adminSeesAll: boolean;
}

export interface BindingsResult {
  bindings: Map<string, EventBinding>;
  /** Misconfigurations, one sentence each; those fields stay unbound. */
  problems: string[];
}

function directiveArgs(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries(
    (directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
  );
}

/** The local name of @event: `import: ["@event"]` or `import: [{ name: "@event", as: "@x" }]`. */
function eventDirectiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      const args = directiveArgs(link);
      if (link.name.value !== "link" || typeof args.url !== "string" || !args.url.startsWith(EVENT_SPEC_URL))
        continue;
      for (const entry of Array.isArray(args.import) ? args.import : []) {
        if (entry === "@event") return "event";
        if (entry && typeof entry === "object" && (entry as { name?: unknown }).name === "@event") {
          const alias = (entry as { as?: unknown }).as;
          return typeof alias === "string" ? alias.replace(/^@/, "") : "event";
        }
      }
    }
  }
  return "event";
}

function rootTypeName(document: DocumentNode, operation: "query" | "subscription"): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION) continue;
    const root = definition.operationTypes.find((t) => t.operation === operation);
    if (root) return root.type.name.value;
  }
  return operation === "query" ? "Query" : "Subscription";
}

function objectType(document: DocumentNode, name: string): ObjectTypeDefinitionNode | undefined {
  return document.definitions.find(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name,
  );
}

function parseFilters(raw: unknown, field: string, problems: string[]): EventFilter[] | undefined {
  const entries = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const filters: EventFilter[] = [];
  for (const entry of entries) {
    const match = typeof entry === "string" ? /^\s*(\w+)\s*(?:=\s*(\w+)\s*)?$/.exec(entry) : null;
    if (!match?.[1]) {
      problems.push(`Subscription.${field}: filter "${String(entry)}" is not "argument=payloadField"`);
      return undefined;
    }
    filters.push({ argument: match[1], field: match[2] ?? match[1] });
  }
  return filters;
}

export function eventBindings(supergraphSdl: string): BindingsResult {
  const document = parse(supergraphSdl);
  const name = eventDirectiveName(document);
  const bindings = new Map<string, EventBinding>();
  const problems: string[] = [];
  const subscription = objectType(document, rootTypeName(document, "subscription"));
  const query = objectType(document, rootTypeName(document, "query"));
  for (const field of subscription?.fields ?? []) {
    const directive = field.directives?.find((d) => d.name.value === name);
    if (!directive) continue;
    const where = `Subscription.${field.name.value}`;
    const args = directiveArgs(directive);
    const { topic, entityField, owner } = args;
    const filters = parseFilters(args.filter, field.name.value, problems);
    const loader = query?.fields?.find((f) => f.name.value === entityField);
    if (typeof topic !== "string" || typeof entityField !== "string" || !filters) {
      problems.push(`${where}: @${name} needs topic and entityField strings`);
      continue;
    }
    if (!loader?.arguments?.some((a) => a.name.value === "id")) {
      problems.push(`${where}: entityField "${entityField}" is not a Query field taking id`);
      continue;
    }
    const unknown = filters.filter((f) => !field.arguments?.some((a) => a.name.value === f.argument));
    if (unknown.length > 0) {
      problems.push(
        `${where}: filter argument(s) ${unknown.map((f) => f.argument).join(", ")} not on the field`,
      );
      continue;
    }
    bindings.set(field.name.value, {
      field: field.name.value,
      topic,
      entityField,
      filters,
      owner: typeof owner === "string" && owner ? owner : undefined,
      adminSeesAll: args.adminSeesAll === true,
    });
  }
  return { bindings, problems };
}
