import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_APP_KEY, listenWithFakeMessaging } from "../fake-app.js";
import type { FakeApp } from "../fake-app.js";
import { PROBLEMS } from "../../../../api/src/problems/codes.js";
import { ProblemError } from "../../../../api/src/problems/problem-error.js";
import type { ReceivableEntity } from "../../../../api/src/contract/entity.js";
import type { MessageLock } from "../../../../api/src/servicebus/messaging-port.js";
import { FakeMessaging } from "../fake-messaging.js";

const KEY = FAKE_APP_KEY;
const T1 = "00000000-0000-4000-8000-000000000001";
const T2 = "00000000-0000-4000-8000-000000000002";
const T3 = "00000000-0000-4000-8000-000000000003";

/** Fails `completeMessage` per lock token with the configured error. */
class PerTokenMessaging extends FakeMessaging {
  readonly failures = new Map<string, unknown>();

  override async completeMessage(source: ReceivableEntity, lock: MessageLock): Promise<void> {
    this.calls.push({ method: "completeMessage", args: [source, lock] });
    if (this.failures.has(lock.lockToken)) throw this.failures.get(lock.lockToken);
  }
}

const serviceBusError = (code: string) => Object.assign(new Error(`secret broker detail for ${code}`), { name: "ServiceBusError", code });

describe("CompleteMessages with a fake Service Bus: one outcome per token", () => {
  const messaging = new PerTokenMessaging();
  let app: FakeApp;
  let baseUrl: string;

  beforeAll(async () => {
    app = await listenWithFakeMessaging(messaging, ["listen"], { queues: ["Orders"], topics: [{ name: "events", subscriptions: ["audit"] }] });
    baseUrl = app.baseUrl;
  });
  afterAll(async () => app.close());
  beforeEach(() => {
    messaging.failures.clear();
    messaging.calls.length = 0;
  });

  const completeMany = async (lockTokens: string[], path = "/queues/orders/locks/complete") => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "X-API-Key": KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ lockTokens }),
    });
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Record<string, unknown> };
  };

  it("completes each token once through completeMessage, with the configured entity spelling and sub-queue", async () => {
    const response = await completeMany([T1, T2], "/topics/events/subscriptions/audit/locks/complete?subQueue=deadLetter");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ completedLockTokens: [T1, T2], failed: [] });
    const source = { kind: "subscription", topic: "events", subscription: "audit", subQueue: "deadLetter" };
    expect(messaging.calls).toEqual([
      { method: "completeMessage", args: [source, { lockToken: T1 }] },
      { method: "completeMessage", args: [source, { lockToken: T2 }] },
    ]);
  });

  it("reports each failure with the code, status and detail of the single operation, hiding internal text", async () => {
    messaging.failures.set(T1, serviceBusError("MessageLockLost"));
    messaging.failures.set(T2, new TypeError("internal stack detail"));
    messaging.failures.set(T3, new ProblemError("SessionLockLost", { detail: "Held by another instance." }));
    const response = await completeMany([T1, T2, T3, "00000000-0000-4000-8000-000000000004"]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      completedLockTokens: ["00000000-0000-4000-8000-000000000004"],
      failed: [
        { lockToken: T1, code: "MessageLockLost", status: 410, detail: PROBLEMS.MessageLockLost.detail },
        { lockToken: T2, code: "InternalError", status: 500, detail: PROBLEMS.InternalError.detail },
        { lockToken: T3, code: "SessionLockLost", status: 410, detail: "Held by another instance." },
      ],
    });
    expect(JSON.stringify(response.body)).not.toMatch(/secret broker detail|internal stack detail/);
  });

  it.each([
    ["ServiceCommunicationProblem", 503, "5"],
    ["ServiceBusy", 429, "10"],
    ["ServiceTimeout", 504, "5"],
  ])("answers the %s problem itself (%i, Retry-After %s) when every token failed with it, so retry policies apply", async (code, status, retryAfter) => {
    for (const token of [T1, T2]) messaging.failures.set(token, serviceBusError(code));
    const response = await completeMany([T1, T2]);
    expect(response.status).toBe(status);
    expect(response.retryAfter).toBe(retryAfter);
    expect(response.body).toMatchObject({ code, status, requestId: "req-1" });
  });

  it("answers 200 when a transient failure hits only some tokens, or the failures differ", async () => {
    messaging.failures.set(T1, serviceBusError("ServiceCommunicationProblem"));
    const partly = await completeMany([T1, T2]);
    expect(partly.status).toBe(200);
    expect(partly.body).toMatchObject({ completedLockTokens: [T2], failed: [{ lockToken: T1, code: "ServiceCommunicationProblem", status: 503 }] });

    messaging.failures.set(T2, serviceBusError("MessageLockLost"));
    const mixed = await completeMany([T1, T2]);
    expect(mixed.status).toBe(200);
    expect((mixed.body["failed"] as Array<{ code: string }>).map((entry) => entry.code)).toEqual(["ServiceCommunicationProblem", "MessageLockLost"]);
  });

  it("refuses a token repeated in another letter case before completing anything", async () => {
    const token = "abcdef00-0000-4000-8000-00000000000a";
    const response = await completeMany([token, T1, token.toUpperCase()]);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "ValidationFailed", errors: { body: [{ field: "/lockTokens/2" }] } });
    expect(messaging.calls).toEqual([]);
  });
});
