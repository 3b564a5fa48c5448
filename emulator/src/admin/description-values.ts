/**
 * Typed fields of the XML descriptions: reading them (with Service Bus's ranges, failing with a 400 that names
 * the element) and formatting them as the service does (durations, `TimeSpan.MaxValue` for "never", UTC times).
 */
import { formatIsoDuration, parseIsoDurationInMs, TIMESPAN_MAX_IN_MS } from "../config/durations.js";
import { AdminError } from "./admin-errors.js";
import { xmlChildText } from "./xml-reader.js";

/** How .NET writes `TimeSpan.MaxValue`, which Service Bus uses for "never" (time to live, auto-delete). */
export const TIMESPAN_MAX_TEXT = "P10675199DT2H48M5.4775807S";

/** Time-to-live values longer than this mean "never expires" (as in `Config.json`). */
const TEN_YEARS_IN_MS = 3650 * 24 * 60 * 60 * 1000;

/** .NET `int.MaxValue`, the largest count Service Bus accepts. */
export const MAX_INT32 = 2_147_483_647;

/** Reads the boolean child `name` of `node` (`true`/`false`, any case); `fallback` when absent. */
export function readBoolean(node: unknown, name: string, fallback: boolean): boolean {
  const text = xmlChildText(node, name)?.trim().toLowerCase();
  if (text === undefined) return fallback;
  if (text !== "true" && text !== "false") throw invalidValue(name, text, "true or false");
  return text === "true";
}

/** Reads the integer child `name` of `node` within `[min, max]`; `fallback` when absent. */
export function readInteger(node: unknown, name: string, fallback: number, [min, max]: [number, number]): number {
  const text = xmlChildText(node, name)?.trim();
  if (text === undefined) return fallback;
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw invalidValue(name, text, `an integer between ${min} and ${max}`);
  return value;
}

/** Reads the ISO-8601 duration child `name` of `node` in milliseconds within `[min, max]`; `fallback` when absent. */
export function readDuration(node: unknown, name: string, fallback: number, [min, max]: [number, number]): number {
  const text = xmlChildText(node, name)?.trim();
  if (text === undefined) return fallback;
  let ms: number;
  try {
    ms = parseIsoDurationInMs(text);
  } catch (error) {
    throw AdminError.invalid(`${name}: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (ms < min || ms > max) {
    throw invalidValue(name, text, `a duration between ${formatServiceDuration(min)} and ${formatServiceDuration(max)}`);
  }
  return ms;
}

/** Reads a time to live: at least 1 ms; anything beyond ten years (including `TimeSpan.MaxValue`) is "never". */
export function readTimeToLive(node: unknown, fallback: number): number {
  const ms = readDuration(node, "DefaultMessageTimeToLive", fallback, [1, Number.POSITIVE_INFINITY]);
  return ms > TEN_YEARS_IN_MS ? Number.POSITIVE_INFINITY : ms;
}

/** Reads an optional string child; `fallback` when absent. */
export function readString(node: unknown, name: string, fallback: string | undefined): string | undefined {
  const text = xmlChildText(node, name);
  return text === undefined ? fallback : text;
}

/**
 * Reads a forwarding target. The SDK sends an absolute URL (`sb://host:port/orders`), other clients may send
 * the bare name; both give `orders`. An empty value means "no forwarding".
 */
export function readForwardTarget(node: unknown, name: string, fallback: string | undefined): string | undefined {
  const text = xmlChildText(node, name)?.trim();
  if (text === undefined) return fallback;
  if (text === "") return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  let path: string;
  try {
    path = decodeURIComponent(new URL(text).pathname);
  } catch {
    throw invalidValue(name, text, "a queue or topic name or URL");
  }
  const target = path.replace(/^\/+|\/+$/g, "");
  if (target === "") throw invalidValue(name, text, "a URL naming a queue or topic");
  return target;
}

/** Formats milliseconds as Service Bus does: `PT1M`, and `TimeSpan.MaxValue` for infinity or anything at least as long. */
export function formatServiceDuration(ms: number): string {
  return ms >= TIMESPAN_MAX_IN_MS ? TIMESPAN_MAX_TEXT : formatIsoDuration(ms);
}

/** Formats a time as the service does, in UTC with a `Z`. */
export function formatTimestamp(time: Date): string {
  return time.toISOString();
}

function invalidValue(name: string, text: string, expected: string): AdminError {
  return AdminError.invalid(`${name}: ${JSON.stringify(text)} is not valid; expected ${expected}.`);
}
