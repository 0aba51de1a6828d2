// Article input rules: lengths, and tags normalised (trimmed, lowercase, deduplicated) before anything is written.
import { badInput } from "../../platform/errors.ts";
import { text } from "../kit/validation.ts";
import type { CreateArticleInput, UpdateArticleInput } from "./generated/resolvers-types.ts";
import type { ArticlePatch, NewArticle } from "./repositories/articles.ts";

const MAX_TAGS = 10;
const MAX_TAG_LENGTH = 30;

const title = (value: string) => text(value, "title", { max: 200 });
const content = (value: string) => text(value, "content", { max: 100_000 });
const category = (value: string) => text(value, "category", { max: 50 });

function tag(value: string): string {
  const normalised = value.trim().toLowerCase();
  if (normalised.length < 1 || normalised.length > MAX_TAG_LENGTH)
    throw badInput(`Each tag must have 1 to ${MAX_TAG_LENGTH} characters.`, "tags");
  return normalised;
}

/** "Rust", " rust " and "RUST" are one tag; the limit counts distinct tags. */
export function tags(values: readonly string[]): string[] {
  const distinct = [...new Set(values.map(tag))];
  if (distinct.length > MAX_TAGS) throw badInput(`tags may hold at most ${MAX_TAGS} distinct tags.`, "tags");
  return distinct;
}

export function validNewArticle(input: CreateArticleInput): NewArticle {
  return {
    title: title(input.title),
    content: content(input.content),
    category: category(input.category),
    tags: tags(input.tags ?? []),
  };
}

/** Omitted or null fields stay as they are; `tags: []` clears the tags. */
export function validPatch(input: UpdateArticleInput): ArticlePatch {
  const patch: ArticlePatch = {};
  if (input.title != null) patch.title = title(input.title);
  if (input.content != null) patch.content = content(input.content);
  if (input.category != null) patch.category = category(input.category);
  if (input.tags != null) patch.tags = tags(input.tags);
  if (Object.keys(patch).length === 0) throw badInput("Give at least one field to change.", "input");
  return patch;
}

/** Search text has the same length rule as a title. */
export function searchQuery(value: string): string {
  return text(value, "q", { max: 200 });
}
