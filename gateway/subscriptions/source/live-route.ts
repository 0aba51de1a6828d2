// The live consumer's route for records (handle-record.ts): its positions, its memory of recent event ids, and
// the hub, which resolves each event once per group of matching subscribers.
import type { GatewayEvent } from "./event-source.ts";
import type { RecordRoute } from "./handle-record.ts";
import type { LiveEventIds } from "./live-ids.ts";
import type { LivePositions } from "./positions.ts";

/** What live delivery hands events to (the hub). */
export interface LiveDispatch {
  hasSubscribers(topic: string): boolean;
  dispatch(event: GatewayEvent): Promise<void>;
}

export function liveRoute(positions: LivePositions, liveIds: LiveEventIds, hub: LiveDispatch): RecordRoute {
  return {
    admit: (_id, _place, { topic, partition, message }) => liveIds.admit(topic, partition, message),
    advance({ topic, partition }, offset) {
      // Read again after a restart (the look-behind) only to remember its id: it was handled before.
      if (offset <= (positions.get(topic, partition) ?? -1n)) return false;
      positions.advance(topic, partition, offset);
      return true;
    },
    wanted: (topic) => hub.hasSubscribers(topic),
    cursor: (topic) => positions.cursor(topic),
    deliver: (event) => hub.dispatch(event),
  };
}
