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
  /** Fields added to every line (the trace ids when telemetry is on). */
  mixin?: () => Record<string, unknown>;
}

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object, as a second line of
 * defence: the API never passes keys or message bodies to the logger in the first place.
 */
export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  "req.headers.authorization",
  "body",
  "*.body",
  "messages[*].body",
  "*.messages[*].body",
  "connectionString",
  "*.connectionString",
];

/** Bytes of log lines collected before stdout is written; a timer writes what is left within {@link FLUSH_INTERVAL_IN_MS}. */
export const STDOUT_BUFFER_IN_BYTES = 4096;
const FLUSH_INTERVAL_IN_MS = 1000;

/**
 * Standard output for log lines, written in the background and in chunks: one write per 4 KiB of lines or
 * per second, instead of one write per line (one per request with the access log), which cost more CPU
 * than the rest of the logging (the benchmark, BENCHMARKS.md). pino writes what is buffered when the
 * process exits.
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: STDOUT_BUFFER_IN_BYTES });
  const timer = setInterval(() => {
    try {
      stream.flush();
    } catch {
      // The stream is closed (the process is ending): nothing left to write.
      clearInterval(timer);
    }
  }, FLUSH_INTERVAL_IN_MS);
  timer.unref();
  return stream;
}

/** Creates the API's pino logger with redaction of keys, bodies and connection strings. */
export function createLogger({ level = "info", destination, component = "api", mixin }: LoggerOptions = {}): ApiLogger {
  const options = { level, base: { component }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, ...(mixin ? { mixin } : {}) };
  return pino(options, destination ?? bufferedStdout());
}

/** A logger that drops everything, for tests. */
export function silentLogger(): ApiLogger {
  return pino({ level: "silent" });
}
