import { afterEach, describe, expect, it } from "vitest";
import { lockToken } from "../../../../api/src/contract/lock-token.js";
import { SessionRegistry } from "../../../../api/src/servicebus/session-registry.js";
import type { SessionReceiverLike } from "../../../../api/src/servicebus/session-registry.js";

class FakeSessionReceiver implements SessionReceiverLike {
  isClosed = false;
  constructor(readonly sessionId: string) {}
  async close(): Promise<void> {
    this.isClosed = true;
  }
}

describe("SessionRegistry", () => {
  let clock = 0;
  const registries: Array<SessionRegistry<FakeSessionReceiver, string>> = [];
  const create = (idleReleaseInMs = 1_000) => {
    const registry = new SessionRegistry<FakeSessionReceiver, string>({ idleReleaseInMs, sweepIntervalInMs: 60_000, now: () => clock });
    registries.push(registry);
    return registry;
  };
  afterEach(async () => {
    clock = 0;
    await Promise.all(registries.splice(0).map((registry) => registry.close()));
  });

  it("accepts a session once for concurrent callers and keys sessions by entity and id", async () => {
    const registry = create();
    let accepts = 0;
    const accept = async () => {
      accepts += 1;
      return new FakeSessionReceiver("s1");
    };
    const [a, b] = await Promise.all([registry.acquire("cases", "s1", accept), registry.acquire("cases", "s1", accept)]);
    expect(accepts).toBe(1);
    expect(a).toBe(b);
    expect(registry.get("cases", "s1")).toBe(a);
    expect(registry.get("other", "s1")).toBeUndefined();
  });

  it("releases sessions idle for the idle time, but not while they are in use", async () => {
    const registry = create(1_000);
    const idle = registry.hold("cases", new FakeSessionReceiver("idle"));
    const busy = registry.hold("cases", new FakeSessionReceiver("busy"));
    let finish: () => void = () => undefined;
    const working = registry.use(busy, () => new Promise<void>((resolve) => (finish = resolve)));
    clock = 1_500;
    expect(await registry.sweep()).toBe(1);
    expect(idle.receiver.isClosed).toBe(true);
    expect(registry.get("cases", "idle")).toBeUndefined();
    finish();
    await working;
    expect(registry.get("cases", "busy")).toBe(busy);
  });

  it("forgets a session whose receiver the SDK closed (lost lock)", () => {
    const registry = create();
    const session = registry.hold("cases", new FakeSessionReceiver("lost"));
    session.receiver.isClosed = true;
    expect(registry.get("cases", "lost")).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it("finds the session that delivered a lock token, case-insensitively", () => {
    const registry = create();
    const session = registry.hold("cases", new FakeSessionReceiver("s"));
    session.messages.set(lockToken("abc-def"), "message");
    expect(registry.findByLockToken("cases", lockToken("ABC-DEF"))).toBe(session);
    expect(registry.findByLockToken("orders", lockToken("abc-def"))).toBeUndefined();
  });

  it("runs exclusive calls one after the other", async () => {
    const registry = create();
    const session = registry.hold("cases", new FakeSessionReceiver("s"));
    const order: string[] = [];
    const step = (name: string, ms: number) =>
      registry.use(
        session,
        async () => {
          order.push(`${name}:start`);
          await new Promise((resolve) => setTimeout(resolve, ms));
          order.push(`${name}:end`);
        },
        { exclusive: true },
      );
    await Promise.all([step("a", 20), step("b", 1)]);
    expect(order).toEqual(["a:start", "a:end", "b:start", "b:end"]);
  });

  it("closes every held session on close, and closes sessions accepted afterwards", async () => {
    const registry = create();
    const held = registry.hold("cases", new FakeSessionReceiver("s"));
    await registry.close();
    expect(held.receiver.isClosed).toBe(true);
    const late = new FakeSessionReceiver("late");
    expect(() => registry.hold("cases", late)).toThrow(/closed/);
    expect(late.isClosed).toBe(true);
  });
});
