// A subgraph's answer, parsed for each caller that shares it. Apollo merges the objects of an answer into the
// caller's result and keeps changing them there, so no two callers may hold the same objects; but when a
// fetch was shared, parsing the text once and copying it (copy-json.ts) costs a third of parsing it per caller.
import { copyJson } from "./copy-json.ts";
import type { SubgraphReply } from "./subgraph-http.ts";

const isJson = (contentType: string | undefined) =>
  /^application\/(json|graphql-response\+json)/.test(contentType ?? "");

/** The body as JSON when the subgraph says it is JSON, else the text. */
export function parseBody(reply: SubgraphReply): unknown {
  return isJson(reply.headers["content-type"]) ? JSON.parse(reply.body) : reply.body;
}

export class SubgraphAnswer {
  // Parsed once for the copies and never handed out itself.
  private original: { value: unknown } | undefined;

  constructor(readonly reply: SubgraphReply) {}

  /** A parsed body of the caller's own; `callers` is how many callers share this answer, this one included. */
  body(callers: number): unknown {
    if (callers <= 1) return parseBody(this.reply);
    this.original ??= { value: parseBody(this.reply) };
    return copyJson(this.original.value);
  }
}
