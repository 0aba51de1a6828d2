// Operations drawn from the API schema: valid ones, and the mutated shapes clients (and attackers) send:
// nested and repeated fragments, fragment bombs, aliases, directives, wrong variable types, huge values,
// lone surrogates, login through fragments, token soup and batches.
import fc from "fast-check";
import {
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isNonNullType,
  isUnionType,
} from "graphql";
import { Draw } from "./draw.ts";
import { hostileValue, validValue } from "./values.ts";

export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface FuzzOperation {
  /** Which generator made it: failures are grouped by shape. */
  shape: string;
  transport: "http" | "ws";
  /** A batch (HTTP only) is an array. */
  body: GraphQLBody | GraphQLBody[];
  /** Who sends it: nobody, a customer, an admin, or a broken header. */
  as: "anonymous" | "customer" | "admin" | "garbage";
}

interface BuildOptions {
  hostileValues: boolean;
  /** Variables declared with another type than the argument's. */
  wrongTypes: boolean;
  maxDepth: number;
}

/** One operation document under construction: variables and fragments collected as fields are drawn. */
class DocumentBuilder {
  readonly definitions: string[] = [];
  readonly variables: Record<string, unknown> = {};
  private readonly fragments: string[] = [];
  private counter = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly draw: Draw,
    private readonly options: BuildOptions,
  ) {}

  operation(
    kind: "query" | "mutation" | "subscription",
    root: GraphQLObjectType,
    name?: string,
  ): GraphQLBody {
    const selection = this.selection(root, 0, kind === "subscription" ? 1 : 3);
    const defs = this.definitions.length > 0 ? `(${this.definitions.join(", ")})` : "";
    const head = name ? `${kind} ${name}${defs}` : defs ? `${kind} ${defs}` : kind;
    return {
      query: [`${head} ${selection}`, ...this.fragments].join("\n"),
      variables: this.variables,
      ...(name ? { operationName: name } : {}),
    };
  }

  private selection(type: GraphQLCompositeType, depth: number, maxFields: number): string {
    const draw = this.draw;
    if (isUnionType(type)) {
      const members = type.getTypes().filter(() => draw.chance(0.6));
      return `{ __typename ${members.map((m) => `... on ${m.name} ${this.selection(m, depth + 1, 1)}`).join(" ")} }`;
    }
    if (depth >= this.options.maxDepth) return "{ __typename }";
    const fields = Object.values(type.getFields());
    const chosen = Array.from({ length: draw.int(1, maxFields) }, () => draw.pick(fields));
    const parts = chosen.map((field) => this.field(field, depth));
    if (draw.chance(0.15)) parts.push("__typename");
    // Twists: part of the selection moved into a named fragment (sometimes spread twice), or an inline one.
    if (draw.chance(0.25) && parts.length > 0) {
      const name = `F${this.counter++}`;
      this.fragments.push(`fragment ${name} on ${type.name} { ${parts.splice(0, 1).join(" ")} }`);
      parts.push(...Array.from({ length: draw.chance(0.3) ? draw.int(2, 4) : 1 }, () => `...${name}`));
    }
    if (draw.chance(0.15) && parts.length > 0) parts.push(`... on ${type.name} { ${parts.shift()} }`);
    if (isInterfaceType(type) && draw.chance(0.4)) {
      const implementation = draw.pick(this.schema.getPossibleTypes(type));
      parts.push(`... on ${implementation.name} { __typename }`);
    }
    return `{ ${parts.join(" ")} }`;
  }

  private field(field: GraphQLField<unknown, unknown>, depth: number): string {
    const draw = this.draw;
    const alias = draw.chance(0.2) ? `${draw.word()}${this.counter++}: ` : "";
    const args = field.args
      .filter((arg) => isNonNullType(arg.type) || draw.chance(0.5))
      .map((arg) => `${arg.name}: ${this.variable(arg.type.toString(), arg.type)}`);
    const directive = !draw.chance(0.1)
      ? ""
      : draw.pick([
          () => " @include(if: true)",
          () => " @skip(if: false)",
          () => ` @include(if: ${this.variable("Boolean!")})`,
        ])();
    const named = getNamedType(field.type);
    // Narrow below the top levels: a deep operation is a chain, not 3^depth fields.
    const sub = isCompositeType(named) ? ` ${this.selection(named, depth + 1, depth >= 2 ? 1 : 3)}` : "";
    return `${alias}${field.name}${args.length ? `(${args.join(", ")})` : ""}${directive}${sub}`;
  }

  private variable(typeName: string, type?: Parameters<typeof validValue>[0]): string {
    const name = `v${this.counter++}`;
    const declared =
      this.options.wrongTypes && this.draw.chance(0.5)
        ? this.draw.pick(["String", "Int!", "[ID!]!", "Boolean", "Float", "NoSuchType"])
        : typeName;
    this.definitions.push(`$${name}: ${declared}`);
    if (type) {
      this.variables[name] =
        this.options.hostileValues && this.draw.chance(0.5)
          ? hostileValue(type, this.draw)
          : validValue(type, this.draw);
    } else this.variables[name] = this.draw.chance(0.5);
    return `$${name}`;
  }
}

/** Exponential in its text if expanded naively: each fragment spreads the next one `width` times. */
export function fragmentBomb(levels: number, width: number): GraphQLBody {
  const spreads = (i: number) => Array.from({ length: width }, () => `...B${i + 1}`).join(" ");
  const fragments = Array.from(
    { length: levels },
    (_, i) => `fragment B${i} on Query { __typename ${spreads(i)} }`,
  );
  fragments.push(`fragment B${levels} on Query { products(perPage: 1) { items { id name } } }`);
  return { query: [`query Bomb { ...B0 }`, ...fragments].join("\n") };
}

/** Many login attempts in one request, hidden in a fragment behind aliases. */
export function loginThroughFragment(attempts: number): GraphQLBody {
  const logins = Array.from(
    { length: attempts },
    (_, i) => `l${i}: login(email: "fuzz-${i % 3}@tributary.dev", password: "wrong-${i}") { token }`,
  );
  return { query: `mutation Logins { ...L }\nfragment L on Mutation { ${logins.join(" ")} }` };
}

const SOUP = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ":",
  "$",
  "!",
  "...",
  "@",
  "=",
  "query",
  "on",
  "fragment",
  '"',
  "#",
  "\n",
];

function operationOf(schema: GraphQLSchema, draw: Draw): [string, GraphQLBody] {
  const query = schema.getQueryType()!;
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  const build = (options: Partial<BuildOptions>) =>
    new DocumentBuilder(schema, draw, { hostileValues: false, wrongTypes: false, maxDepth: 4, ...options });
  const shape = draw.int(0, 13);
  const named = draw.chance(0.3) ? `Fuzz${draw.int(0, 99)}` : undefined;
  switch (shape) {
    case 0:
    case 1:
    case 2:
      return ["valid query", build({}).operation("query", query, named)];
    case 3:
      return mutation
        ? ["valid mutation", build({}).operation("mutation", mutation, named)]
        : ["valid query", build({}).operation("query", query)];
    case 4:
      return [
        "hostile values",
        build({ hostileValues: true }).operation(
          draw.chance(0.5) || !mutation ? "query" : "mutation",
          draw.chance(0.5) || !mutation ? query : mutation,
        ),
      ];
    case 5:
      return ["wrong variable types", build({ wrongTypes: true }).operation("query", query, named)];
    case 6: {
      // Naively expanded, at most 4^11 ≈ 2^22 spreads: seconds for a gateway that expands fragments, so it is
      // reported as slower than the bound instead of stalling the process (the stack runs in the test's).
      const width = draw.int(2, 4);
      return ["fragment bomb", fragmentBomb(draw.int(2, Math.floor(22 / Math.log2(width))), width)];
    }
    case 7:
      return ["login through fragment", loginThroughFragment(draw.int(1, 60))];
    case 8: {
      const count = draw.pick([5, 51, 200, 2000]);
      return [
        "many aliases",
        { query: `{ ${Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(" ")} }` },
      ];
    }
    case 9:
      return ["deep", build({ maxDepth: draw.int(8, 40) }).operation("query", query)];
    case 10:
      return [
        "token soup",
        { query: Array.from({ length: draw.int(0, 60) }, () => draw.pick(SOUP)).join(" ") },
      ];
    case 11: {
      const body = build({}).operation("query", query);
      const twist = draw.int(0, 3);
      if (twist === 0) body.query = body.query.replace("{", "{ @fuzzUnknown ");
      if (twist === 1) body.query = body.query.replace("{", "{ noSuchField ");
      if (twist === 2) body.operationName = "NotInTheDocument";
      if (twist === 3) body.query = `${body.query} # ${draw.text(40)}`;
      return ["unknown names", body];
    }
    case 12:
      return [
        "huge document",
        {
          query: `{ products(search: "${"z".repeat(draw.pick([1000, 70_000, 400_000]))}") { items { id } } }`,
        },
      ];
    default:
      return subscription
        ? [
            "subscription",
            build({ hostileValues: draw.chance(0.3) }).operation("subscription", subscription, named),
          ]
        : ["valid query", build({}).operation("query", query)];
  }
}

/** The arbitrary every run samples (with a fixed seed in CI) and fast-check shrinks a failure of. */
export function fuzzOperations(schema: GraphQLSchema): fc.Arbitrary<FuzzOperation> {
  return fc.gen().map((g) => {
    const draw = new Draw(g);
    const transport = draw.chance(0.25) ? "ws" : "http";
    const as = draw.pick(["anonymous", "anonymous", "customer", "admin", "garbage"] as const);
    if (transport === "http" && draw.chance(0.08)) {
      const items = Array.from({ length: draw.int(2, 5) }, () => operationOf(schema, draw));
      return { shape: "batch", transport, as, body: items.map(([, body]) => body) };
    }
    const [shape, body] = operationOf(schema, draw);
    return { shape, transport, as, body };
  });
}
