import { describe, expect, it } from "vitest";
import { SubgraphAnswer } from "./subgraph-answer.ts";
import type { SubgraphReply } from "./subgraph-http.ts";

const reply = (body: string, contentType = "application/json"): SubgraphReply => ({
  url: "http://catalog/graphql",
  status: 200,
  statusText: "OK",
  headers: { "content-type": contentType },
  body,
});

const BODY = '{"data":{"_entities":[{"name":"Kettle","stock":3},{"name":"Mug","stock":0}]}}';

describe("SubgraphAnswer", () => {
  it("gives a lone caller the parsed body", () => {
    expect(new SubgraphAnswer(reply(BODY)).body(1)).toEqual(JSON.parse(BODY));
  });

  it("gives each of several callers an equal body of its own, down to the nested objects", () => {
    const answer = new SubgraphAnswer(reply(BODY));
    const bodies = [answer.body(3), answer.body(3), answer.body(3)] as {
      data: { _entities: Record<string, unknown>[] };
    }[];
    for (const body of bodies) expect(body).toEqual(JSON.parse(BODY));
    bodies[0]!.data._entities[0]!.price = 12;
    bodies[1]!.data._entities.pop();
    expect(bodies[2]).toEqual(JSON.parse(BODY));
    expect(answer.body(3)).toEqual(JSON.parse(BODY));
  });

  it("answers the text of a body that is not JSON, as before", () => {
    expect(new SubgraphAnswer(reply("Bad gateway", "text/plain")).body(2)).toBe("Bad gateway");
  });

  it("throws for every caller when a JSON body does not parse", () => {
    const answer = new SubgraphAnswer(reply("{not json"));
    expect(() => answer.body(2)).toThrow(SyntaxError);
    expect(() => answer.body(2)).toThrow(SyntaxError);
  });
});
