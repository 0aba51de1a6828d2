// The side-effecting half of `npm run doctor`: looks at the machine and reports plain facts.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { createConnection, createServer } from "node:net";

/** True when nothing listens on `port` (we can bind it ourselves for a moment). */
export function isPortFree(port: number, host = "0.0.0.0"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export function canConnect(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Creates the directory if needed, as `npm start` would. */
export function isWritable(dir: string): boolean {
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first line `command args` prints, or null when the command is missing or fails. */
export function commandOutput(command: string, args: string[]): string | null {
  const run = spawnSync(command, args, { encoding: "utf8", timeout: 20_000 });
  if (run.error || run.status !== 0) return null;
  return `${run.stdout}${run.stderr}`.trim().split("\n")[0] ?? "";
}

async function jsonAt(url: string, timeoutMs: number): Promise<unknown> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return await response.json();
  } catch {
    return null;
  }
}

/** The /health and /ready bodies of whatever answers HTTP on the port (null where nothing does). */
export async function healthBodies(port: number, timeoutMs = 1500): Promise<[unknown, unknown]> {
  const base = `http://127.0.0.1:${port}`;
  return Promise.all([jsonAt(`${base}/health`, timeoutMs), jsonAt(`${base}/ready`, timeoutMs)]);
}
