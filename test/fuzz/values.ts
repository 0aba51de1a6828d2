// Variable values for an input type: valid ones, and the hostile kinds a client can send instead.
import { randomUUID } from "node:crypto";
import {
  type GraphQLInputType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
} from "graphql";
import type { Draw } from "./draw.ts";

const LONE_SURROGATES = ["\ud800", "\udfff", "a\ud83dz", "\udc00\ud800", "😀\ud83d"];

/** A value the type accepts (names and ids are drawn, so most lookups miss: that is fine). */
export function validValue(type: GraphQLInputType, draw: Draw, depth = 0): unknown {
  if (!isNonNullType(type) && draw.chance(0.1)) return null;
  const inner = getNullableType(type);
  if (isListType(inner))
    return Array.from({ length: draw.int(0, 3) }, () => validValue(inner.ofType, draw, depth + 1));
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).filter((f) => isNonNullType(f.type) || draw.chance(0.5));
    return Object.fromEntries(
      fields.map((f) => [f.name, depth > 3 ? null : validValue(f.type, draw, depth + 1)]),
    );
  }
  if (isEnumType(inner)) return draw.pick(inner.getValues()).name;
  switch (inner.name) {
    case "ID":
      return draw.chance(0.5) ? randomUUID() : draw.word();
    case "Int":
      return draw.int(-5, 100);
    case "Float":
      return draw.int(-500, 5000) / 10;
    case "Boolean":
      return draw.chance(0.5);
    default:
      return draw.chance(0.7) ? draw.word() : draw.text(30);
  }
}

/** A value of the wrong shape, or of the right type at hostile sizes and contents. */
export function hostileValue(type: GraphQLInputType, draw: Draw): unknown {
  const named = getNamedType(type);
  switch (draw.int(0, 8)) {
    case 0:
      return draw.pick([42, "text", true, { nested: { deeper: [1] } }, [], -1e308]);
    case 1:
      return "x".repeat(draw.pick([10_000, 200_000]));
    case 2:
      return Array.from({ length: draw.pick([1000, 20_000]) }, (_, i) => i);
    case 3:
      return draw.pick(LONE_SURROGATES);
    case 4:
      return `a\u0000b`;
    case 5:
      return draw.text(200);
    case 6:
      return named.name === "Int" ? draw.pick([2 ** 31, -(2 ** 31) - 1, 3.5, "12"]) : draw.int(-10, 10);
    case 7:
      // Deeply nested lists: JSON that costs coercion, not bytes.
      return JSON.parse(`${"[".repeat(200)}1${"]".repeat(200)}`);
    default:
      return validValue(type, draw);
  }
}
