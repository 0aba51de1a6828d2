// GraphQL types as JSON Schema (OpenAPI 3.1): input types from the schema, responses from selection sets.
import type {
  FragmentDefinitionNode,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  SelectionSetNode,
} from "graphql";
import { graphqlRuntime as graphql } from "../../graphql-runtime.ts";

export type JsonSchema = Record<string, unknown>;

const INT32 = { type: "integer", format: "int32", minimum: -2147483648, maximum: 2147483647 };

/** Named schemas shared by reference: enums, input objects, and responses that are one fragment. */
export class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  constructor(
    readonly schema: GraphQLSchema,
    readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  ref(name: string, build: () => JsonSchema): JsonSchema {
    if (!(name in this.schemas)) {
      this.schemas[name] = {};
      this.schemas[name] = build();
    }
    return { $ref: `#/components/schemas/${name}` };
  }
}

function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === "string") return { ...schema, type: [schema.type, "null"] };
  return { anyOf: [schema, { type: "null" }] };
}

function described(schema: JsonSchema, description: string | null | undefined): JsonSchema {
  if (!description || "$ref" in schema) return schema;
  return { ...schema, description };
}

function leafSchema(type: GraphQLNamedType, components: Components): JsonSchema {
  if (graphql.isEnumType(type))
    return components.ref(type.name, () =>
      described({ type: "string", enum: type.getValues().map((v) => v.name) }, type.description),
    );
  switch (type.name) {
    case "ID":
    case "String":
      return { type: "string" };
    case "Int":
      return { ...INT32 };
    case "Float":
      return { type: "number" };
    case "Boolean":
      return { type: "boolean" };
    case "DateTime":
      return { type: "string", format: "date-time" };
    default:
      return described({}, type.description ?? `The ${type.name} scalar.`);
  }
}

/** A variable's or input field's type. `nonNull` false adds `null` (GraphQL accepts an explicit null there). */
export function inputSchema(type: GraphQLInputType, components: Components, allowNull = true): JsonSchema {
  if (graphql.isNonNullType(type)) return inputSchema(type.ofType, components, false);
  let schema: JsonSchema;
  if (graphql.isListType(type)) schema = { type: "array", items: inputSchema(type.ofType, components) };
  else if (graphql.isInputObjectType(type)) {
    schema = components.ref(type.name, () => {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const field of Object.values(type.getFields())) {
        let property = described(inputSchema(field.type, components), field.description);
        if (field.defaultValue !== undefined) property = { ...property, default: field.defaultValue };
        properties[field.name] = property;
        if (graphql.isNonNullType(field.type) && field.defaultValue === undefined) required.push(field.name);
      }
      return described(
        { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false },
        type.description,
      );
    });
  } else schema = leafSchema(type, components);
  return allowNull ? nullable(schema) : schema;
}

/** The object type's fields the selection set asks for, by response key (fragments and type conditions applied). */
function collectFields(
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  components: Components,
  into: Map<string, { name: string; selectionSet?: SelectionSetNode }[]>,
): void {
  const { schema, fragments } = components;
  const applies = (condition: string | undefined) => {
    if (!condition || condition === type.name) return true;
    const abstract = schema.getType(condition);
    return !!abstract && graphql.isAbstractType(abstract) && schema.isSubType(abstract, type);
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === "Field") {
      const key = selection.alias?.value ?? selection.name.value;
      const list = into.get(key) ?? [];
      list.push({ name: selection.name.value, selectionSet: selection.selectionSet });
      into.set(key, list);
    } else if (selection.kind === "InlineFragment") {
      if (applies(selection.typeCondition?.name.value))
        collectFields(type, selection.selectionSet, components, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && applies(fragment.typeCondition.name.value))
        collectFields(type, fragment.selectionSet, components, into);
    }
  }
}

function objectSchema(
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  components: Components,
): JsonSchema {
  const fields = new Map<string, { name: string; selectionSet?: SelectionSetNode }[]>();
  collectFields(type, selectionSet, components, fields);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, selections] of fields) {
    const { name } = selections[0]!;
    if (name === "__typename") {
      properties[key] = { type: "string", const: type.name };
      required.push(key);
      continue;
    }
    const field = type.getFields()[name]!;
    // Merged selections of one key: the same field, so their sub-selections add up.
    const merged = selections.flatMap((s) => s.selectionSet?.selections ?? []);
    const sub: SelectionSetNode | undefined =
      merged.length > 0 ? { kind: graphql.Kind.SELECTION_SET, selections: merged } : undefined;
    properties[key] = described(outputSchema(field.type, sub, components), field.description);
    // Every selected field is in the answer; only its value may be null.
    required.push(key);
  }
  return { type: "object", properties, required, additionalProperties: false };
}

/** One fragment spread and nothing else: a named, shared schema (`#/components/schemas/Article`). */
function onlyFragment(selectionSet: SelectionSetNode): string | undefined {
  const [only, ...rest] = selectionSet.selections;
  return only?.kind === "FragmentSpread" && rest.length === 0 ? only.name.value : undefined;
}

export function outputSchema(
  type: GraphQLOutputType,
  selectionSet: SelectionSetNode | undefined,
  components: Components,
  allowNull = true,
): JsonSchema {
  if (graphql.isNonNullType(type)) return outputSchema(type.ofType, selectionSet, components, false);
  let schema: JsonSchema;
  if (graphql.isListType(type))
    schema = { type: "array", items: outputSchema(type.ofType, selectionSet, components) };
  else if (graphql.isLeafType(type)) schema = leafSchema(type, components);
  else {
    const set = selectionSet!;
    const build = () => {
      if (graphql.isObjectType(type)) return objectSchema(type, set, components);
      const possible = components.schema.getPossibleTypes(type);
      return { oneOf: possible.map((t) => objectSchema(t, set, components)) };
    };
    const fragment = onlyFragment(set);
    schema = fragment ? components.ref(fragment, build) : build();
  }
  return allowNull ? nullable(schema) : schema;
}
