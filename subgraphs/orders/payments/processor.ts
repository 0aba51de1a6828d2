// A simulated card processor: Stripe-style test tokens decide the outcome, nothing leaves the process.

export type ChargeOutcome = { status: "SUCCEEDED" } | { status: "FAILED"; reason: string };

export interface Charge {
  amountCents: number;
  currency: string;
  method: string;
}

export type ChargeFunction = (charge: Charge) => Promise<ChargeOutcome>;

// A Map, not an object literal: "toString" or "__proto__" must not look like a card.
const TOKENS = new Map<string, ChargeOutcome>([
  ["tok_visa", { status: "SUCCEEDED" }],
  ["tok_mastercard", { status: "SUCCEEDED" }],
  ["tok_chargeDeclined", { status: "FAILED", reason: "The card was declined." }],
]);

export const ACCEPTED_METHODS: readonly string[] = [...TOKENS.keys()];

export function isAcceptedMethod(method: string): boolean {
  return TOKENS.has(method);
}

/** Charges a payment method; an unknown method is the caller's bug (validate first with isAcceptedMethod). */
export const charge: ChargeFunction = async ({ method }) => {
  const outcome = TOKENS.get(method);
  if (!outcome) throw new Error(`unknown payment method ${method}`);
  return outcome;
};
