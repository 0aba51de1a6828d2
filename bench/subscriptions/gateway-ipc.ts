// The bench's side of gateway-probe.ts: asks the probe preloaded in the gateway (a child with an IPC channel)
// for its memory after a GC, and for its longest event-loop stall and GC pause over a window.
import type { ChildProcess } from "node:child_process";
import type { GatewayStalls } from "./gateway-probe.ts";

/** Asks the gateway's probe (gateway-probe.ts) over IPC and waits for its answer of type `type`. */
function askGateway<T>(child: ChildProcess, request: string, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type?: string }) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.send(request);
  });
}

/** The gateway's memory right after a full garbage collection. */
export async function gatewayMemory(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  const answer = await askGateway<{ usage: NodeJS.MemoryUsage; collected: boolean }>(
    child,
    "memory",
    "memory",
  );
  if (!answer.collected) throw new Error("the gateway was started without --expose-gc");
  return answer.usage;
}

/** Starts recording the gateway's event-loop stalls and GC pauses; stop() returns them. */
export function recordGatewayStalls(child: ChildProcess): { stop(): Promise<GatewayStalls> } {
  child.send("stalls-start");
  return {
    stop: async () => (await askGateway<{ stalls: GatewayStalls }>(child, "stalls-stop", "stalls")).stalls,
  };
}
