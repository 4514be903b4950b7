import { pino, type Logger } from "pino";

export type { Logger };

/** JSON logs on stdout, one line an event; the request id is bound by pino-http per request. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ["req.headers.cookie", 'res.headers["set-cookie"]', "password"], censor: "[redacted]" },
  });
}
