// The bench's subscribers spread over a few child processes (client-process.ts), optionally pinned to CPUs.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ClientCommand, ClientReply } from "./client-process.ts";
import { pinToCpus } from "./pin.ts";

const CLIENT = fileURLToPath(new URL("./client-process.ts", import.meta.url));

export interface ClientPool {
  /** Opens `count` subscribers in total, split evenly over the processes. */
  open(url: string, count: number, query: string, variables: Record<string, unknown>): Promise<void>;
  /** The fewest deliveries any subscriber has received so far. */
  fewest(): Promise<number>;
  /** Every subscriber's arrival times and the event (stock) of each, and how many the gateway closed. */
  collect(): Promise<{ arrivals: number[][]; stocks: number[][]; closed: number }>;
  close(): Promise<void>;
  stop(): void;
}

function ask<T extends ClientReply["type"]>(
  child: ChildProcess,
  command: ClientCommand,
  answer: T,
): Promise<Extract<ClientReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: ClientReply) => {
      if (reply.type !== answer) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(reply as Extract<ClientReply, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`bench client exited (${code})`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(command);
  });
}

/** `cpus`: taskset CPU list for the clients (e.g. "1"), so they do not compete with the gateway's core. */
export function startClientPool(processes: number, cpus?: string): ClientPool {
  const children = Array.from({ length: processes }, () => {
    const child = fork(CLIENT, [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
    if (cpus) pinToCpus(child.pid!, cpus);
    return child;
  });
  return {
    async open(url, count, query, variables) {
      await Promise.all(
        children.map((child, i) => {
          // The first processes take the remainder: 1,001 over 2 is 501 + 500.
          const share = Math.floor(count / processes) + (i < count % processes ? 1 : 0);
          return ask(child, { type: "open", url, count: share, query, variables }, "opened");
        }),
      );
    },
    async fewest() {
      const replies = await Promise.all(
        children.map((child) => ask(child, { type: "progress" }, "progress")),
      );
      return Math.min(...replies.map((r) => r.fewest));
    },
    async collect() {
      const replies = await Promise.all(
        children.map((child) => ask(child, { type: "collect" }, "collected")),
      );
      return {
        arrivals: replies.flatMap((r) => r.arrivals),
        stocks: replies.flatMap((r) => r.stocks),
        closed: replies.reduce((sum, r) => sum + r.closed, 0),
      };
    },
    async close() {
      await Promise.all(children.map((child) => ask(child, { type: "close" }, "closed")));
    },
    stop() {
      for (const child of children) child.kill("SIGTERM");
    },
  };
}
