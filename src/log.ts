/**
 * The operator's logger (pino). JSON lines when not on a terminal (in a
 * cluster), one readable line per entry on a terminal or with LOG_FORMAT=pretty.
 * Level from LOG_LEVEL (default info). Secret values are never passed to it;
 * as a second guard, fields named password, token, data or stringData are redacted.
 */
import { createRequire } from "node:module";
import { pino, type Logger, type LoggerOptions } from "pino";
import type PinoPretty from "pino-pretty";

export type { Logger };

const usePretty = process.env.LOG_FORMAT === "pretty" || (process.env.LOG_FORMAT !== "json" && process.stdout.isTTY === true);

const options: LoggerOptions = {
  level: process.env.LOG_LEVEL ?? "info",
  base: undefined,
  redact: { paths: ["password", "*.password", "token", "*.token", "data", "*.data", "stringData", "*.stringData"], censor: "[redacted]" },
};

/** Root logger; make children with `logger.child({ component: "reconciler" })`. */
export const logger: Logger = usePretty
  ? pino(options, (createRequire(import.meta.url)("pino-pretty") as typeof PinoPretty)({ sync: true, colorize: process.stdout.isTTY === true, singleLine: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" }))
  : pino(options);
