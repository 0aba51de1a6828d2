import { ApolloGateway } from "@apollo/gateway";
import { describe, expect, it } from "vitest";
import { composeSupergraph } from "../../../scripts/compose.ts";

// Why enforcement lives in the subgraphs: composition keeps the directives, the open-source gateway
// does not enforce them, and its loader refuses a supergraph linking them "for: SECURITY" as-is.
describe("the authorization directives through composition", () => {
  const { sdl, errors } = composeSupergraph();

  it("are kept in the composed supergraph, on the fields that carry them", () => {
    expect(errors).toEqual([]);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)');
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    expect(sdl).toMatch(
      /createProduct\(input: CreateProductInput!\): Product! .*@requiresScopes\(scopes: \[\["ADMIN"\]\]\)/,
    );
    expect(sdl).toMatch(/placeOrder\(input: PlaceOrderInput!\): Order! .*@authenticated/);
  });

  it("are refused by @apollo/gateway unless their SECURITY purpose is dropped", async () => {
    const load = async (supergraphSdl: string) => {
      const gateway = new ApolloGateway({ supergraphSdl });
      try {
        return Object.keys((await gateway.load()).schema.getMutationType()?.getFields() ?? {}).length;
      } finally {
        await gateway.stop().catch(() => {});
      }
    };
    await expect(load(sdl ?? "")).rejects.toThrow(/authenticated\/v0\.1 is for: SECURITY but is unsupported/);
    const relaxed = (sdl ?? "").replace(
      /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"), for: SECURITY\)/g,
      "$1)",
    );
    expect(await load(relaxed)).toBeGreaterThan(20);
  });
});
