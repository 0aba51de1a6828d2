// The documented ways the gateway ends a subscription on purpose; clients resume with their last cursor.
export interface CloseCode {
  code: number;
  reason: string;
  /** `extensions.code` of the final error when the transport has no close code (SSE). */
  errorCode: string;
}

/** The subscriber fell SUBSCRIPTION_MAX_QUEUE events behind (it stopped reading, or reads too slowly). */
export const TOO_SLOW: CloseCode = {
  code: 4429,
  reason: "subscriber too slow; resume with your last cursor",
  errorCode: "SUBSCRIBER_TOO_SLOW",
};

/** A different supergraph was loaded: subscriptions started on the old one are closed, not left to stall. */
export const SUPERGRAPH_CHANGED: CloseCode = {
  code: 4205,
  reason: "supergraph changed; resubscribe with your cursor",
  errorCode: "SUPERGRAPH_CHANGED",
};

export const CLOSE_CODES = [TOO_SLOW, SUPERGRAPH_CHANGED];

/** SSE's equivalent of a close code: a last result naming it. */
export function closingResult(closeCode: number, reason: string) {
  const known = CLOSE_CODES.find((c) => c.code === closeCode);
  return { errors: [{ message: reason, extensions: { code: known?.errorCode ?? "CLOSED", closeCode } }] };
}
