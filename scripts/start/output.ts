// What `npm start` prints. On a terminal: a line per part as it becomes ready, the banner, and the parts' errors
// as one human line each (their full JSON logs go to DATA_DIR/logs/<part>.log). Otherwise, or with
// LOG_FORMAT=json: JSON lines only, the parts' own logs passed through, for log collectors.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

export type OutputMode = "human" | "json";

export function outputMode(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): OutputMode {
  if (env.LOG_FORMAT === "json") return "json";
  if (env.LOG_FORMAT === "human") return "human";
  return isTTY ? "human" : "json";
}

/** pino's numeric levels: 40 warn, 50 error, 60 fatal. */
const ERROR_LEVEL = 50;

/** One human line for a part's JSON log line at error level or above; null for anything quieter. */
export function humanError(part: string, line: string): string | null {
  let entry: { level?: unknown; msg?: unknown; err?: { message?: unknown } };
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof entry.level !== "number" || entry.level < ERROR_LEVEL) return null;
  const detail = typeof entry.err?.message === "string" ? `: ${entry.err.message}` : "";
  return `✖ ${part}: ${String(entry.msg ?? "error")}${detail}`;
}

export interface StartOutput {
  mode: OutputMode;
  /** A progress line from the start itself. */
  say(line: string, fields?: Record<string, unknown>): void;
  /** Where a part's stdout/stderr go; undefined in JSON mode (the part writes to ours directly). */
  capture?: (part: string, stdout: Readable, stderr: Readable) => void;
  /** Where a part's full log is kept (human mode), for messages that point at it. */
  logFile(part: string): string | undefined;
  close(): void;
}

export function startOutput(
  mode: OutputMode,
  dataDir: string,
  write = (s: string) => process.stdout.write(s),
): StartOutput {
  if (mode === "json") {
    return {
      mode,
      say: (msg, fields = {}) =>
        write(`${JSON.stringify({ level: 30, time: Date.now(), name: "start", ...fields, msg })}\n`),
      logFile: () => undefined,
      close() {},
    };
  }
  const logDir = join(dataDir, "logs");
  const files = new Map<string, WriteStream>();
  const fileFor = (part: string) => {
    let file = files.get(part);
    if (!file) {
      mkdirSync(logDir, { recursive: true });
      file = createWriteStream(join(logDir, `${part}.log`), { flags: "w" });
      files.set(part, file);
    }
    return file;
  };
  return {
    mode,
    say: (line) => write(`${line}\n`),
    capture(part, stdout, stderr) {
      const file = fileFor(part);
      for (const stream of [stdout, stderr]) {
        createInterface({ input: stream }).on("line", (line) => {
          file.write(`${line}\n`);
          const shown = humanError(part, line);
          if (shown) write(`${shown}  (${join(logDir, `${part}.log`)})\n`);
        });
      }
    },
    logFile: (part) => join(logDir, `${part}.log`),
    close() {
      for (const file of files.values()) file.end();
    },
  };
}
