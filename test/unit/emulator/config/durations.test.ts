import { describe, expect, it } from "vitest";
import { TIMESPAN_MAX_IN_MS, formatIsoDuration, parseIsoDurationInMs } from "../../../../emulator/src/config/durations.js";

describe("parseIsoDurationInMs", () => {
  it.each([
    ["PT1M", 60_000],
    ["PT20S", 20_000],
    ["PT0.5S", 500],
    ["PT1.25S", 1_250],
    ["PT0S", 0],
    ["PT1H", 3_600_000],
    ["PT36H", 36 * 3_600_000],
    ["PT90M", 90 * 60_000],
    ["P1D", 86_400_000],
    ["P14D", 14 * 86_400_000],
    ["P1DT2H", 86_400_000 + 2 * 3_600_000],
    ["P1DT1H1M1S", 90_061_000],
    ["PT1H30M", 5_400_000],
    ["PT5M0.001S", 300_001],
  ])("parses %s as %d milliseconds", (text, expected) => {
    expect(parseIsoDurationInMs(text)).toBe(expected);
  });

  it("parses .NET TimeSpan.MaxValue, truncating below the millisecond", () => {
    expect(parseIsoDurationInMs("P10675199DT2H48M5.4775807S")).toBe(922_337_203_685_477);
    expect(TIMESPAN_MAX_IN_MS).toBe(922_337_203_685_477);
  });

  it("truncates fractions of a millisecond", () => {
    expect(parseIsoDurationInMs("PT0.0019S")).toBe(1);
  });

  it.each([
    ["", "empty"],
    ["P", "no components"],
    ["PT", "no time components"],
    ["P1DT", "a dangling T"],
    ["-PT1M", "negative"],
    ["PT-1M", "a negative component"],
    ["P1Y", "years"],
    ["P1M", "months"],
    ["P1W", "weeks"],
    ["PT1H2D", "components out of order"],
    ["PT1.5M", "fractional minutes"],
    ["P1.5D", "fractional days"],
    ["PT.5S", "a fraction without an integer part"],
    ["PT1,5S", "a comma as decimal separator"],
    ["pt1m", "lower-case designators"],
    [" PT1M", "leading whitespace"],
    ["PT1M ", "trailing whitespace"],
    ["1 minute", "free text"],
    ["00:01:00", "TimeSpan's c format"],
    ["P1D2H", "hours without T"],
  ])("rejects %j (%s) with a RangeError naming the text", (text) => {
    expect(() => parseIsoDurationInMs(text)).toThrow(RangeError);
    expect(() => parseIsoDurationInMs(text)).toThrow(JSON.stringify(text));
  });

  it("rejects durations longer than TimeSpan.MaxValue", () => {
    expect(() => parseIsoDurationInMs("P10675200D")).toThrow(/"P10675200D" exceeds the longest duration/);
    expect(() => parseIsoDurationInMs(`P${"9".repeat(400)}D`)).toThrow(RangeError);
  });
});

describe("formatIsoDuration", () => {
  it.each([
    [0, "PT0S"],
    [1, "PT0.001S"],
    [500, "PT0.5S"],
    [1_250, "PT1.25S"],
    [20_000, "PT20S"],
    [60_000, "PT1M"],
    [300_000, "PT5M"],
    [3_600_000, "PT1H"],
    [86_400_000, "P1D"],
    [90_061_000, "P1DT1H1M1S"],
    [86_400_000 + 1, "P1DT0.001S"],
    [14 * 86_400_000, "P14D"],
    [TIMESPAN_MAX_IN_MS, "P10675199DT2H48M5.477S"],
  ])("formats %d milliseconds as %s", (ms, expected) => {
    expect(formatIsoDuration(ms)).toBe(expected);
  });

  it("produces text that parses back to the same number of milliseconds", () => {
    for (const ms of [0, 7, 999, 1_000, 59_999, 61_001, 3_599_999, 86_399_999, 123_456_789_012, TIMESPAN_MAX_IN_MS]) {
      expect(parseIsoDurationInMs(formatIsoDuration(ms))).toBe(ms);
    }
  });

  it.each([-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, TIMESPAN_MAX_IN_MS + 1])("rejects %d with a RangeError", (ms) => {
    expect(() => formatIsoDuration(ms)).toThrow(RangeError);
  });
});
