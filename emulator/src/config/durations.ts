/**
 * ISO-8601 durations as Service Bus uses them (`PT1M`, `PT0.5S`, `P1DT2H`, ...).
 *
 * Service Bus serialises .NET `TimeSpan` values, so only days, hours, minutes and
 * (possibly fractional) seconds appear; years, months and weeks are rejected because
 * their length is ambiguous and Service Bus never produces them.
 */

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;

/**
 * `TimeSpan.MaxValue` (`P10675199DT2H48M5.4775807S`) in whole milliseconds.
 * Service Bus uses it to mean "never" (for example as a message time to live).
 */
export const TIMESPAN_MAX_IN_MS = 922_337_203_685_477;

const DURATION_PATTERN = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?$/;

/**
 * Parses an ISO-8601 duration made of days, hours, minutes and seconds into milliseconds.
 *
 * Fractions are allowed on seconds only; digits beyond the millisecond are truncated, so
 * `TimeSpan.MaxValue` becomes {@link TIMESPAN_MAX_IN_MS}.
 *
 * @param text - The duration, for example `PT1M`, `PT0.5S`, `P1DT2H` or `P14D`.
 * @returns The duration in whole milliseconds (never negative).
 * @throws RangeError naming `text` when it is not such a duration (negative, empty, `P`,
 *   `PT`, years/months/weeks, whitespace, ...) or exceeds `TimeSpan.MaxValue`.
 */
export function parseIsoDurationInMs(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  const [, days, hours, minutes, seconds, fraction] = match ?? [];
  if (match === null || text.endsWith("T") || [days, hours, minutes, seconds].every((part) => part === undefined)) {
    throw new RangeError(`${JSON.stringify(text)} is not an ISO-8601 duration of days, hours, minutes and seconds (for example PT1M, PT0.5S or P1DT2H)`);
  }
  const fractionInMs = Number((fraction ?? "").slice(0, 3).padEnd(3, "0"));
  const ms = toNumber(days) * MS_PER_DAY + toNumber(hours) * MS_PER_HOUR + toNumber(minutes) * MS_PER_MINUTE + toNumber(seconds) * MS_PER_SECOND + fractionInMs;
  if (!(ms <= TIMESPAN_MAX_IN_MS)) {
    throw new RangeError(`${JSON.stringify(text)} exceeds the longest duration Service Bus supports (P10675199DT2H48M5.4775807S)`);
  }
  return ms;
}

/**
 * Formats milliseconds as the shortest ISO-8601 duration that {@link parseIsoDurationInMs}
 * reads back to the same value, for example 60000 → `PT1M`, 500 → `PT0.5S`,
 * 90061000 → `P1DT1H1M1S` and 0 → `PT0S`.
 *
 * @param ms - A whole, non-negative number of milliseconds, at most {@link TIMESPAN_MAX_IN_MS}.
 * @throws RangeError when `ms` is negative, fractional, not finite or too large.
 */
export function formatIsoDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > TIMESPAN_MAX_IN_MS) {
    throw new RangeError(`${ms} is not a whole number of milliseconds between 0 and ${TIMESPAN_MAX_IN_MS}`);
  }
  const days = Math.floor(ms / MS_PER_DAY);
  const hours = Math.floor((ms % MS_PER_DAY) / MS_PER_HOUR);
  const minutes = Math.floor((ms % MS_PER_HOUR) / MS_PER_MINUTE);
  const seconds = Math.floor((ms % MS_PER_MINUTE) / MS_PER_SECOND);
  const millis = ms % MS_PER_SECOND;

  const fraction = millis === 0 ? "" : `.${String(millis).padStart(3, "0").replace(/0+$/, "")}`;
  const time = (hours > 0 ? `${hours}H` : "") + (minutes > 0 ? `${minutes}M` : "") + (seconds > 0 || millis > 0 ? `${seconds}${fraction}S` : "");
  const date = days > 0 ? `${days}D` : "";
  if (date === "" && time === "") {
    return "PT0S";
  }
  return `P${date}${time === "" ? "" : `T${time}`}`;
}

function toNumber(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits);
}
