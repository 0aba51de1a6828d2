// A child process holding a share of the bench's subscribers, so parsing deliveries never slows the producer,
// the subgraphs or the broker. Driven over IPC by client-pool.ts.
import { closeSubscribers, openSubscribers, type Subscriber } from "./subscribers.ts";

export type ClientCommand =
  | { type: "open"; url: string; count: number; query: string; variables: Record<string, unknown> }
  | { type: "progress" }
  | { type: "collect" }
  | { type: "close" };

export type ClientReply =
  | { type: "opened" }
  | { type: "progress"; fewest: number }
  | { type: "collected"; arrivals: number[][]; stocks: number[][]; closed: number }
  | { type: "closed" };

let subscribers: Subscriber[] = [];
const reply = (message: ClientReply) => process.send!(message);

process.on("message", async (command: ClientCommand) => {
  if (command.type === "open") {
    subscribers = await openSubscribers(command.url, command.count, command.query, command.variables);
    reply({ type: "opened" });
  } else if (command.type === "progress") {
    // Cheap to ask often: one number, not every arrival time.
    const fewest = subscribers.reduce((min, s) => Math.min(min, s.arrivals.length), Number.POSITIVE_INFINITY);
    reply({ type: "progress", fewest });
  } else if (command.type === "collect") {
    const closed = subscribers.filter((s) => s.closeCode !== undefined).length;
    reply({
      type: "collected",
      arrivals: subscribers.map((s) => s.arrivals),
      stocks: subscribers.map((s) => s.stocks),
      closed,
    });
  } else {
    await closeSubscribers(subscribers);
    subscribers = [];
    reply({ type: "closed" });
  }
});
// Ends with the bench: the IPC channel closing means the parent is gone.
process.on("disconnect", () => process.exit(0));
