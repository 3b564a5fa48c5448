import { afterEach, describe, expect, it } from "vitest";
import { LockRegistry } from "../../../../api/src/servicebus/lock-registry.js";

describe("LockRegistry", () => {
  let now = 1_000_000;
  const registry = new LockRegistry<string>({ graceInMs: 1_000, now: () => now });
  afterEach(() => registry.close());

  it("finds a held token only for the source that received it, case-insensitively", () => {
    registry.add("orders", "AB-1", "message", new Date(now + 10_000));
    expect(registry.get("orders", "ab-1")).toBe("message");
    expect(registry.get("other", "ab-1")).toBeUndefined();
  });

  it("forgets tokens after expiry plus grace, and keeps renewed ones", () => {
    registry.add("orders", "t1", "one", new Date(now + 10_000));
    registry.add("orders", "t2", "two", new Date(now + 10_000));
    registry.renewed("t2", new Date(now + 60_000));
    now += 11_001;
    expect(registry.sweep()).toBe(1);
    expect(registry.get("orders", "t1")).toBeUndefined();
    expect(registry.get("orders", "t2")).toBe("two");
    registry.remove("t2");
    expect(registry.size).toBe(0);
  });
});
