import { afterEach, describe, expect, it } from "vitest";
import { lockToken } from "../../../../api/src/contract/lock-token.js";
import { LockRegistry } from "../../../../api/src/servicebus/lock-registry.js";

describe("LockRegistry", () => {
  let now = 1_000_000;
  const registry = new LockRegistry<string>({ graceInMs: 1_000, now: () => now });
  afterEach(() => registry.close());

  it("finds a held token only for the source that received it, case-insensitively", () => {
    registry.add("orders", lockToken("AB-1"), "message", new Date(now + 10_000));
    expect(registry.get("orders", lockToken("ab-1"))).toBe("message");
    expect(registry.get("other", lockToken("ab-1"))).toBeUndefined();
  });

  it("forgets tokens after expiry plus grace, and keeps renewed ones", () => {
    registry.add("orders", lockToken("t1"), "one", new Date(now + 10_000));
    registry.add("orders", lockToken("t2"), "two", new Date(now + 10_000));
    registry.renewed(lockToken("t2"), new Date(now + 60_000));
    now += 11_001;
    expect(registry.sweep()).toBe(1);
    expect(registry.get("orders", lockToken("t1"))).toBeUndefined();
    expect(registry.get("orders", lockToken("t2"))).toBe("two");
    registry.remove(lockToken("t2"));
    expect(registry.size).toBe(0);
  });
});
