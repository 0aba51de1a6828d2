// Runs each part as a child process, restarts one that crashes (loudly), and stops them all within 5 s.
import { type ChildProcess, fork } from "node:child_process";
import type { Readable } from "node:stream";
import { PROJECT_ROOT } from "../../platform/project-root.js";

export interface PartSpec {
  name: string;
  /** Script path, absolute or relative to the repository root. */
  script: string;
  args?: string[];
  /** Node options, e.g. `--import tsx` for a TypeScript entry point. */
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  healthUrl: string;
  /** A process serving several parts (the shared subgraphs): each one's name and health URL, checked apart. */
  serves?: { name: string; healthUrl: string }[];
}

interface Part extends PartSpec {
  child?: ChildProcess;
  restarts: number;
  stopping: boolean;
  /** Messages sent over IPC so far, sent again to a restarted child. */
  told: unknown[];
}

export interface SupervisorOptions {
  /** Takes each child's stdout and stderr; without it the children write to ours. */
  capture?: (part: string, stdout: Readable, stderr: Readable) => void;
}

const MAX_RESTARTS = 5;

export class Supervisor {
  private readonly parts: Part[] = [];
  private stopping = false;

  constructor(
    private readonly report: (line: string) => void,
    private readonly options: SupervisorOptions = {},
  ) {}

  start(spec: PartSpec): void {
    const part: Part = { ...spec, restarts: 0, stopping: false, told: [] };
    this.parts.push(part);
    this.spawn(part);
  }

  private spawn(part: Part): void {
    const child = fork(part.script, part.args ?? [], {
      cwd: PROJECT_ROOT,
      env: part.env,
      execArgv: part.execArgv,
      stdio: [
        "ignore",
        this.options.capture ? "pipe" : "inherit",
        this.options.capture ? "pipe" : "inherit",
        "ipc",
      ],
    });
    part.child = child;
    if (this.options.capture && child.stdout && child.stderr)
      this.options.capture(part.name, child.stdout, child.stderr);
    for (const message of part.told) child.send(message as object);
    child.on("exit", (code, signal) => {
      if (this.stopping || part.stopping) return;
      this.report(`✖ ${part.name} exited unexpectedly (${signal ?? `code ${code}`})`);
      if (part.restarts >= MAX_RESTARTS) {
        this.report(
          `✖ ${part.name} crashed ${MAX_RESTARTS} times; giving up on it. Check the log lines above.`,
        );
        return;
      }
      part.restarts += 1;
      const delay = 500 * 2 ** part.restarts;
      this.report(`↻ restarting ${part.name} in ${delay} ms (attempt ${part.restarts}/${MAX_RESTARTS})`);
      setTimeout(() => this.stopping || this.spawn(part), delay).unref();
    });
  }

  /** Sends `message` to the part now, and again to each restarted copy of it. */
  tell(name: string, message: object): void {
    const part = this.parts.find((p) => p.name === name);
    if (!part) return;
    part.told.push(message);
    part.child?.send(message);
  }

  /**
   * Resolves when every part answers its health URL, calling `onHealthy` for each as it does; rejects naming the
   * parts that never did.
   */
  async waitHealthy(timeoutMs: number, onHealthy?: (name: string) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(this.parts.flatMap((part) => part.serves ?? [part]));
    while (pending.size > 0) {
      // All at once: a part busy starting answers slowly, and must not hold up noticing the others.
      await Promise.all(
        [...pending].map(async (check) => {
          const ok = await fetch(check.healthUrl, { signal: AbortSignal.timeout(1_000) }).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) {
            pending.delete(check);
            onHealthy?.(check.name);
          }
        }),
      );
      if (pending.size === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`not healthy after ${timeoutMs} ms: ${[...pending].map((p) => p.name).join(", ")}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** SIGTERM to every child, then SIGKILL to whatever still runs after the grace period. */
  async stop(graceMs = 4_000): Promise<void> {
    this.stopping = true;
    // A child killed by a signal keeps exitCode null: signalCode says it is gone too.
    const alive = this.parts
      .map((p) => p.child)
      .filter((c): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null);
    const exited = alive.map((child) => new Promise<void>((resolve) => child.once("exit", () => resolve())));
    for (const child of alive) child.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const child of alive) if (child.exitCode === null) child.kill("SIGKILL");
    }, graceMs);
    await Promise.all(exited);
    clearTimeout(timer);
  }
}
