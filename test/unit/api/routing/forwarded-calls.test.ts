import { describe, expect, it } from "vitest";
import type { ReceivableEntity } from "../../../../api/src/contract/entity.js";
import { ANSWER_MARGIN_IN_MS, runForwardedCall } from "../../../../api/src/routing/forwarded-calls.js";
import type { SessionSource } from "../../../../api/src/routing/forwarded-calls.js";
import { isGatewayError } from "../../../../api/src/servicebus/gateway-error.js";
import type { ServiceBusGateway } from "../../../../api/src/servicebus/service-bus-gateway.js";
import { FakeMessaging } from "../fake-messaging.js";

/** The fake port, holding the sessions listed in `held`. */
class FakeGateway extends FakeMessaging {
  readonly held = new Set<string>();
  holdsSession(source: { kind: string }, sessionId: string): boolean {
    return this.held.has(`${JSON.stringify(source)}|${sessionId}`);
  }
  onSessionReleased(): void {}
}

const queue: SessionSource = { kind: "queue", queue: "cases" };
const mainQueue: ReceivableEntity = { kind: "queue", queue: "cases", subQueue: "main" };
const context = (deadlineInMs: number) => ({ deadline: Date.now() + deadlineInMs, abortSignal: new AbortController().signal });
const TOKEN = "00000000-0000-4000-8000-00000000000a";

function gatewayHolding(sessionId: string): FakeGateway {
  const gateway = new FakeGateway();
  gateway.held.add(`${JSON.stringify({ kind: "queue", queue: "cases" })}|${sessionId}`);
  return gateway;
}

describe("runForwardedCall: a forwarded session call on the holder", () => {
  it("runs a settlement on the main entity with the lock token lower-cased and the session named", async () => {
    const gateway = gatewayHolding("s1");
    const result = await runForwardedCall(
      gateway as unknown as ServiceBusGateway,
      "abandonMessage",
      { source: queue, sessionId: "s1", lockToken: TOKEN.toUpperCase(), propertiesToModify: { reason: "x" } },
      context(5_000),
      () => undefined,
    );
    expect(result).toBeNull();
    expect(gateway.calls).toEqual([{ method: "abandonMessage", args: [mainQueue, { lockToken: TOKEN, sessionId: "s1" }, { reason: "x" }] }]);
  });

  it("refuses a call for a session it no longer holds with SessionLockLost, and says so to stop serving the route", async () => {
    const gateway = gatewayHolding("other");
    const stopped: Array<[SessionSource, string]> = [];
    const error = await runForwardedCall(
      gateway as unknown as ServiceBusGateway,
      "completeMessage",
      { source: queue, sessionId: "s1", lockToken: TOKEN },
      context(5_000),
      (source, sessionId) => stopped.push([source, sessionId]),
    ).catch((caught: unknown) => caught);
    expect(isGatewayError(error) && error.failure).toEqual({ kind: "sessionNotHeld", subject: "message" });
    expect(stopped).toEqual([[queue, "s1"]]);
    expect(gateway.calls).toEqual([]);
  });

  it("keeps a forwarded receive's wait within the caller's deadline, leaving time for the answer", async () => {
    const gateway = gatewayHolding("s1");
    await runForwardedCall(
      gateway as unknown as ServiceBusGateway,
      "receiveSessionMessages",
      { source: queue, sessionId: "s1", maxMessages: 3, maxWaitTimeInMs: 60_000 },
      context(4_000),
      () => undefined,
    );
    const [call] = gateway.calls;
    const options = call?.args[1] as { maxWaitTimeInMs: number; maxMessages: number; sessionId: string };
    expect(options.sessionId).toBe("s1");
    expect(options.maxMessages).toBe(3);
    expect(options.maxWaitTimeInMs).toBeLessThanOrEqual(4_000 - ANSWER_MARGIN_IN_MS);
    expect(options.maxWaitTimeInMs).toBeGreaterThan(0);
  });

  it("refuses unknown operations and malformed arguments without running anything", async () => {
    const gateway = gatewayHolding("s1");
    const run = (operation: string, args: unknown) =>
      runForwardedCall(gateway as unknown as ServiceBusGateway, operation, args as never, context(5_000), () => undefined).catch((caught: unknown) => caught);
    expect(await run("sendMessages", { source: queue, sessionId: "s1" })).toBeInstanceOf(TypeError);
    expect(await run("completeMessage", { source: { kind: "topic", topic: "t" }, sessionId: "s1", lockToken: TOKEN })).toBeInstanceOf(TypeError);
    expect(await run("completeMessage", { source: queue, sessionId: "s1" })).toBeInstanceOf(TypeError);
    expect(await run("getSessionState", [])).toBeInstanceOf(TypeError);
    expect(gateway.calls).toEqual([]);
  });
});
