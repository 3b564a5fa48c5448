import { describe, expect, it } from "vitest";
import {
  formatServiceDuration,
  readDuration,
  readForwardTarget,
  readTimeToLive,
  TIMESPAN_MAX_TEXT,
} from "../../../../emulator/src/admin/description-values.js";
import { TIMESPAN_MAX_IN_MS } from "../../../../emulator/src/config/durations.js";

describe("description values", () => {
  it("formats durations as Service Bus does, with TimeSpan.MaxValue for never", () => {
    expect(formatServiceDuration(60_000)).toBe("PT1M");
    expect(formatServiceDuration(Number.POSITIVE_INFINITY)).toBe(TIMESPAN_MAX_TEXT);
    expect(formatServiceDuration(TIMESPAN_MAX_IN_MS)).toBe(TIMESPAN_MAX_TEXT);
  });

  it("reads durations within a range, else 400", () => {
    expect(readDuration({ D: "PT1.5S" }, "D", 0, [0, 10_000])).toBe(1_500);
    expect(readDuration({}, "D", 42, [0, 10_000])).toBe(42);
    expect(() => readDuration({ D: "PT11S" }, "D", 0, [0, 10_000])).toThrow(/D: "PT11S" is not valid; expected a duration between PT0S and PT10S/);
  });

  it("reads a time to live beyond ten years as never", () => {
    expect(readTimeToLive({ DefaultMessageTimeToLive: "P3651D" }, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(readTimeToLive({ DefaultMessageTimeToLive: "P14D" }, 1)).toBe(14 * 86_400_000);
  });

  it("reads forwarding targets from the SDK's absolute URLs or bare names", () => {
    expect(readForwardTarget({ F: "sb://127.0.0.1:5300/sales/eu" }, "F", undefined)).toBe("sales/eu");
    expect(readForwardTarget({ F: "https://ns.servicebus.windows.net/q/" }, "F", undefined)).toBe("q");
    expect(readForwardTarget({ F: "q" }, "F", undefined)).toBe("q");
    expect(readForwardTarget({ F: "" }, "F", "old")).toBeUndefined();
    expect(readForwardTarget({}, "F", "old")).toBe("old");
    expect(() => readForwardTarget({ F: "sb://host/" }, "F", undefined)).toThrow(/F/);
  });
});
