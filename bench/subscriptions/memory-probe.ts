// Preloaded into the bench's gateway (`node --expose-gc --import ./memory-probe.ts`): on request over IPC it
// collects garbage and answers with process.memoryUsage(), so "memory per idle subscriber" measures what the
// subscribers keep alive, not how much garbage happened to be uncollected. Bench-only; the gateway never loads it.
if (process.send) {
  process.on("message", (message: unknown) => {
    if (message !== "memory") return;
    const collect = (globalThis as { gc?: () => void }).gc;
    // Twice: the first pass can leave objects that only become unreachable once finalizers ran.
    collect?.();
    collect?.();
    process.send!({ type: "memory", usage: process.memoryUsage(), collected: collect !== undefined });
  });
  // The probe must never be what keeps the gateway alive.
  process.channel?.unref();
}
