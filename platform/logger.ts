// One logger factory for every process: JSON lines in production and CI, pretty in a terminal.
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { pino } from "pino";

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level?: string;
  pretty?: boolean;
  /** Where JSON lines go; stdout unless given (tests read them back). Ignored when `pretty`. */
  destination?: pino.DestinationStream;
}

/**
 * Stamps the active span's ids on every line logged inside it, so a log search and a trace view find each other.
 * With tracing off there is no active span and this is one lookup returning nothing.
 */
export function traceFields(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

export function createLogger({ name, level = "info", pretty = false, destination }: LoggerOptions): Logger {
  if (!pretty) return pino({ name, level, mixin: traceFields }, destination);
  return pino({
    name,
    level,
    mixin: traceFields,
    transport: {
      target: "pino-pretty",
      options: { colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" },
    },
  });
}

/** A logger that drops everything: for tests that assert behaviour, not output. */
export const silentLogger: Logger = pino({ level: "silent" });
