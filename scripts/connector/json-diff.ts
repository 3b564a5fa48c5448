/** The first differing JSON paths between two JSON values, as JSON pointers, for drift reports. */
import { isDeepStrictEqual } from "node:util";

function pointer(segments: readonly string[]): string {
  return segments.length === 0 ? "(root)" : `/${segments.map((segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
}

function describe(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function walk(expected: unknown, actual: unknown, segments: string[], out: string[], limit: number): void {
  if (out.length >= limit || isDeepStrictEqual(expected, actual)) return;
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  const bothObjects =
    typeof expected === "object" && expected !== null && typeof actual === "object" && actual !== null && !Array.isArray(expected) && !Array.isArray(actual);
  if (bothArrays || bothObjects) {
    const a = expected as Record<string, unknown>;
    const b = actual as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) walk(a[key], b[key], [...segments, key], out, limit);
    if (out.length === 0 && bothObjects) out.push(`${pointer(segments)}: same members in a different order`);
    return;
  }
  if (typeof expected === "string" && typeof actual === "string") {
    // Long strings often share a prefix: show both from the first character that differs.
    let index = 0;
    while (index < expected.length && expected[index] === actual[index]) index += 1;
    const start = Math.max(0, index - 10);
    const from = (value: string) => `${start > 0 ? "..." : ""}${value.slice(start)}`;
    out.push(`${pointer(segments)}: committed ${describe(from(expected))}, generated ${describe(from(actual))}`);
    return;
  }
  out.push(`${pointer(segments)}: committed ${describe(expected)}, generated ${describe(actual)}`);
}

/** Up to `limit` differences between the committed (`expected`) and generated (`actual`) values. */
export function jsonDifferences(expected: unknown, actual: unknown, limit = 10): string[] {
  const out: string[] = [];
  walk(expected, actual, [], out, limit);
  return out;
}
