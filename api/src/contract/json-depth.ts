/**
 * How deep JSON may nest in this API: request bodies, and message bodies returned as JSON. JSON.parse
 * reads far deeper structures than JSON.stringify can write back (V8 runs out of stack a few thousand levels
 * down), so without a bound a deeply nested body is accepted and then fails as an internal error when it is
 * sent or returned. 100 levels is far beyond what flows and business events use, with room for the
 * request's own envelope around a message body.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether a parsed JSON value nests objects and arrays more than `limit` levels deep (a scalar is 0 levels, `{}`
 * and `[]` are 1). Iterative, so it measures any depth without recursion; it stops at the first path too deep.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== "object" || next.value === null) continue;
    if (next.depth > limit) return true;
    const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const child of children) {
      if (typeof child === "object" && child !== null) pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}
