// Structured logging: one JSON object per line on stderr, only for events worth a human's attention.

export interface BrokerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

function line(level: string, msg: string, fields?: Record<string, unknown>): void {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, component: "broker", msg, ...fields })}\n`,
  );
}

export const jsonLogger: BrokerLogger = {
  info: (msg, fields) => line("info", msg, fields),
  warn: (msg, fields) => line("warn", msg, fields),
  error: (msg, fields) => line("error", msg, fields),
};

export const silentLogger: BrokerLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
