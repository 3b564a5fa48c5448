import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SEQUENCE_NUMBER, SequenceNumber, decimalAtMostPattern } from "../../../../api/src/contract/schemas/common.js";

describe("sequence number pattern", () => {
  const pattern = new RegExp(SequenceNumber.pattern ?? "");

  it("accepts 0 to 2^63 - 1 and refuses everything beyond", () => {
    for (const text of ["0", "1", "01", "9223372036854775807", "9223372036854775806", "8999999999999999999", "0000000000000000001"])
      expect(pattern.test(text), text).toBe(true);
    for (const text of [
      "9223372036854775808",
      "9223372036854775810",
      "9999999999999999999",
      "18446744073709551615",
      "10000000000000000000",
      "-1",
      "",
      "1e3",
      " 1",
    ]) {
      expect(pattern.test(text), text).toBe(false);
    }
  });

  it("agrees with a BigInt comparison for any decimal string up to 20 digits", () => {
    const max = BigInt(MAX_SEQUENCE_NUMBER);
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,20}$/), (text) => {
        expect(pattern.test(text)).toBe(text.length <= 19 && BigInt(text) <= max);
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: max - 100_000n, max: max + 100_000n }), (value) => {
        expect(pattern.test(String(value))).toBe(value <= max);
      }),
    );
  });

  it("builds the same kind of pattern for other bounds", () => {
    expect(new RegExp(decimalAtMostPattern("250")).test("250")).toBe(true);
    expect(new RegExp(decimalAtMostPattern("250")).test("251")).toBe(false);
    expect(new RegExp(decimalAtMostPattern("250")).test("199")).toBe(true);
  });
});
