// Under `npm start`, clients poll /ready and then query: ready must mean the demo data is there too. The start
// process seeds through the gateway once it answers, then tells it so over the fork's IPC channel.

export const SEEDED_MESSAGE = { type: "tributary:seeded" } as const;

/** False until the parent process sends SEEDED_MESSAGE; a gateway with no parent channel never waits. */
export function seedSignal(): () => boolean {
  if (!process.send) return () => true;
  let seeded = false;
  const listen = (message: unknown) => {
    if ((message as { type?: unknown } | null)?.type !== SEEDED_MESSAGE.type) return;
    seeded = true;
    process.off("message", listen);
  };
  process.on("message", listen);
  // The IPC channel must not keep the gateway alive on its own.
  process.channel?.unref();
  return () => seeded;
}
