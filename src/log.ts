/**
 * The operator's logger (pino). JSON lines when not on a terminal (in a
 * cluster), readable lines on a terminal or with LOG_FORMAT=pretty.
 * Level from LOG_LEVEL (default info). Secret values are never passed to it;
 * as a second guard, fields named password, token, data or stringData are redacted.
 */
import { pino, type Logger } from "pino";

export type { Logger };

const pretty = process.env.LOG_FORMAT === "pretty" || (process.env.LOG_FORMAT !== "json" && process.stdout.isTTY === true);

/** Root logger; make children with `logger.child({ component: "reconciler" })`. */
export const logger: Logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: undefined,
  redact: { paths: ["password", "*.password", "token", "*.token", "data", "*.data", "stringData", "*.stringData"], censor: "[redacted]" },
  ...(pretty
    ? { transport: { target: "pino-pretty", options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" } } }
    : {}),
});
