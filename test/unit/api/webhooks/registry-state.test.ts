import { describe, expect, it } from "vitest";
import { RegistryStateError, parseState } from "../../../../api/src/webhooks/webhook-registry.js";

const bytes = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8");

describe("parseState: the webhook registry's stored state", () => {
  it("reads no state, and an empty one, as an empty registry", () => {
    expect(parseState(null)).toEqual({ subscriptions: {} });
    expect(parseState(undefined)).toEqual({ subscriptions: {} });
    expect(parseState(Buffer.alloc(0))).toEqual({ subscriptions: {} });
  });

  it("reads version 1, as bytes or as the SDK's parsed JSON", () => {
    const record = { id: "a", source: { kind: "queue", queue: "orders" } };
    expect(parseState(bytes({ v: 1, subscriptions: { a: record } }))).toEqual({ subscriptions: { a: record } });
    expect(parseState({ v: 1, subscriptions: { a: record } })).toEqual({ subscriptions: { a: record } });
  });

  it("refuses what it cannot read, so a change never overwrites it", () => {
    for (const stored of [
      bytes("not json"),
      bytes([1]),
      bytes({ v: 2, subscriptions: {} }),
      bytes({ v: 1, subscriptions: [] }),
      bytes({ v: 1 }),
      42,
      "text",
      [1],
    ]) {
      expect(() => parseState(stored)).toThrow(RegistryStateError);
    }
  });
});
