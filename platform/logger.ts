// One logger factory for every process: JSON lines in production and CI, pretty in a terminal.
import { pino } from "pino";

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level?: string;
  pretty?: boolean;
}

export function createLogger({ name, level = "info", pretty = false }: LoggerOptions): Logger {
  if (!pretty) return pino({ name, level });
  return pino({
    name,
    level,
    transport: {
      target: "pino-pretty",
      options: { colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" },
    },
  });
}

/** A logger that drops everything: for tests that assert behaviour, not output. */
export const silentLogger: Logger = pino({ level: "silent" });
