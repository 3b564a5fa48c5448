import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";

/** The logger type used across the API (pino). */
export type ApiLogger = Logger;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
  /** The `component` field of every line; "api" by default. */
  component?: string;
}

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object, as a second line of
 * defence: the API never passes keys or message bodies to the logger in the first place.
 */
export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "headers[\"x-api-key\"]",
  "*.headers[\"x-api-key\"]",
  "req.headers.authorization",
  "body",
  "*.body",
  "messages[*].body",
  "*.messages[*].body",
  "connectionString",
  "*.connectionString",
];

/** Creates the API's pino logger with redaction of keys, bodies and connection strings. */
export function createLogger({ level = "info", destination, component = "api" }: LoggerOptions = {}): ApiLogger {
  const options = { level, base: { component }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything, for tests. */
export function silentLogger(): ApiLogger {
  return pino({ level: "silent" });
}
