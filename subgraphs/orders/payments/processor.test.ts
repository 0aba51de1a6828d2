import { describe, expect, it } from "vitest";
import { ACCEPTED_METHODS, charge, isAcceptedMethod } from "./processor.ts";

describe("the simulated payment processor", () => {
  const of = (method: string) => charge({ amountCents: 1000, currency: "USD", method });

  it("charges the succeeding test cards", async () => {
    expect(await of("tok_visa")).toEqual({ status: "SUCCEEDED" });
    expect(await of("tok_mastercard")).toEqual({ status: "SUCCEEDED" });
  });

  it("declines tok_chargeDeclined with a reason", async () => {
    expect(await of("tok_chargeDeclined")).toMatchObject({ status: "FAILED", reason: expect.any(String) });
  });

  it("accepts only its test tokens, not inherited object keys", async () => {
    expect(ACCEPTED_METHODS).toEqual(["tok_visa", "tok_mastercard", "tok_chargeDeclined"]);
    for (const bad of ["tok_amex", "toString", "__proto__", ""]) expect(isAcceptedMethod(bad)).toBe(false);
    await expect(of("toString")).rejects.toThrow(/unknown payment method/);
  });
});
