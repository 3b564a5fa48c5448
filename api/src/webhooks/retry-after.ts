/**
 * The `Retry-After` response header (RFC 9110, section 10.2.3): a number of seconds, or an HTTP-date.
 */

/** Longer values are not HTTP-dates (the longest form, RFC 850's, is 33 characters). */
const MAX_DATE_LENGTH = 64;
/** An HTTP-date starts with a day name: `Sun, 06 Nov 1994 ...`, `Sunday, 06-Nov-94 ...`, `Sun Nov  6 ...`. */
const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * The delay a `Retry-After` value asks for, in milliseconds from `nowInMs`: seconds as given, an HTTP-date as the
 * time left until it (0 when it has passed). Undefined when the header is missing or is neither form.
 */
export function parseRetryAfter(value: string | undefined, nowInMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (isDigits(text)) return Math.min(Number(text) * 1000, Number.MAX_SAFE_INTEGER);
  if (text.length > MAX_DATE_LENGTH || !DAY_NAMES.includes(text.slice(0, 3).toLowerCase())) return undefined;
  const dateInMs = Date.parse(text);
  if (Number.isNaN(dateInMs)) return undefined;
  return Math.max(0, dateInMs - nowInMs);
}
