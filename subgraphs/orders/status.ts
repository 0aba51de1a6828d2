// The order state machine: which status may follow which. Pure, so the rules are tested on their own.

export const ORDER_STATUSES = [
  "PENDING",
  "CONFIRMED",
  "REJECTED",
  "PAID",
  "SHIPPED",
  "DELIVERED",
  "CANCELLED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_STATUSES = ["SUCCEEDED", "FAILED", "REFUNDED"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  // CONFIRMED and REJECTED come from inventory's answer; CANCELLED from the customer or an admin.
  PENDING: ["CONFIRMED", "REJECTED", "CANCELLED"],
  CONFIRMED: ["PAID", "CANCELLED"],
  // Cancelling a paid order refunds its payment.
  PAID: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: [],
  REJECTED: [],
  CANCELLED: [],
};

const VERB: Record<OrderStatus, string> = {
  PENDING: "be placed again",
  CONFIRMED: "be confirmed",
  REJECTED: "be rejected",
  PAID: "be paid",
  SHIPPED: "be shipped",
  DELIVERED: "be delivered",
  CANCELLED: "be cancelled",
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** A transition the state machine does not allow; resolvers answer it with CONFLICT. */
export class IllegalTransition extends Error {
  override readonly name = "IllegalTransition";
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`The order is ${from}; it cannot ${VERB[to]}.`);
  }
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}
