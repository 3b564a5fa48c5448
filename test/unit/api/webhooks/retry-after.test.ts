import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../../api/src/webhooks/retry-after.js";

const NOW = Date.parse("2026-12-06T12:00:00Z");

describe("parseRetryAfter", () => {
  it("reads seconds", () => {
    expect(parseRetryAfter("7", NOW)).toBe(7000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
  });

  it("caps an absurd number of seconds instead of answering Infinity", () => {
    expect(parseRetryAfter("9".repeat(400), NOW)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("reads the three HTTP-date forms as the time left", () => {
    expect(parseRetryAfter("Sun, 06 Dec 2026 12:00:30 GMT", NOW)).toBe(30_000);
    expect(parseRetryAfter("Sunday, 06-Dec-26 12:01:00 GMT", NOW)).toBe(60_000);
    expect(parseRetryAfter("Sun Dec  6 12:00:05 2026", NOW)).not.toBeUndefined();
  });

  it("answers 0 for a date that has passed", () => {
    expect(parseRetryAfter("Sun, 06 Dec 2026 11:59:00 GMT", NOW)).toBe(0);
  });

  it("ignores what is neither form", () => {
    for (const bad of [undefined, "", "-1", "1.5", "soon", "2026-12-06T12:00:30Z", "Sun, not a date", `Sun, ${"x".repeat(100)}`, "0x10"]) {
      expect(parseRetryAfter(bad, NOW), String(bad)).toBeUndefined();
    }
  });
});
