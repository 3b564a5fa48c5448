import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../../../api/src/contract/json-depth.js";

/** `levels` objects nested in each other around 1: {"a":{"a":...1}}. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

describe("nestsDeeperThan", () => {
  it("counts objects and arrays as levels, scalars as none", () => {
    expect(nestsDeeperThan("text", 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan([[1], { a: [2] }], 2)).toBe(true);
    expect(nestsDeeperThan([[1], { a: [2] }], 3)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it("finds a deep path beside shallow ones", () => {
    expect(nestsDeeperThan({ shallow: [1, 2, 3], deep: nested(10) }, 10)).toBe(true);
  });

  it("measures structures far deeper than JSON.stringify can write, without running out of stack", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`) as unknown;
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).toBe(true);
  });
});
