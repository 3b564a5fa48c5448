import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_APP_KEY, listenWithFakeMessaging } from "../fake-app.js";
import type { FakeApp } from "../fake-app.js";
import { FakeMessaging } from "../fake-messaging.js";

const KEY = FAKE_APP_KEY;

describe("createApp with a fake Service Bus: error mapping", () => {
  const messaging = new FakeMessaging();
  let app: FakeApp;
  let baseUrl: string;

  beforeAll(async () => {
    app = await listenWithFakeMessaging(messaging, ["send", "listen"], { queues: ["Orders"], topics: [{ name: "events", subscriptions: ["audit"] }] });
    baseUrl = app.baseUrl;
  });
  afterAll(async () => app.close());
  beforeEach(() => {
    messaging.failWith = undefined;
    messaging.calls.length = 0;
  });

  const post = (path: string) => fetch(`${baseUrl}${path}`, { method: "POST", headers: { "X-API-Key": KEY } });
  const serviceBusError = (code: string) => Object.assign(new Error(`secret broker detail for ${code}`), { name: "ServiceBusError", code });

  it.each([
    ["ServiceBusy", 429, "10"],
    ["QuotaExceeded", 429, "30"],
    ["ServiceCommunicationProblem", 503, "5"],
    ["ServiceTimeout", 504, "5"],
    ["MessageLockLost", 410, null],
    ["SessionLockLost", 410, null],
    ["SessionCannotBeLocked", 409, null],
    ["MessagingEntityNotFound", 404, null],
    ["MessageSizeExceeded", 413, null],
  ])("renders ServiceBusError %s as %i with Retry-After %s", async (code, status, retryAfter) => {
    messaging.failWith = serviceBusError(code);
    const response = await post("/queues/orders/locks/00000000-0000-4000-8000-000000000000/complete");
    expect(response.status).toBe(status);
    expect(response.headers.get("retry-after")).toBe(retryAfter);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code, status, requestId: "req-1" });
    expect(JSON.stringify(body)).not.toContain("secret broker detail");
  });

  it("hides unexpected errors behind a generic 500 with the request id", async () => {
    messaging.failWith = new TypeError("internal stack detail");
    const response = await post("/queues/orders/receive");
    expect(response.status).toBe(500);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: "InternalError", requestId: "req-1" });
    expect(JSON.stringify(body)).not.toContain("internal stack detail");
  });

  it("answers an infinite count with 400 ValidationFailed and calls no Service Bus operation (found by the fuzz test)", async () => {
    const response = await fetch(`${baseUrl}/queues/orders/peek?maxMessages=-Infinity`, { headers: { "X-API-Key": KEY } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: "ValidationFailed",
      errors: { query: [{ field: "/maxMessages", message: "must be a finite number" }] },
    });
    expect(messaging.calls).toEqual([]);
  });

  it("passes the configured spelling of entity names and defaults to the handlers", async () => {
    await post("/queues/ORDERS/receive?maxWaitSeconds=1.5");
    expect(messaging.calls[0]).toEqual({
      method: "receiveMessages",
      args: [
        { kind: "queue", queue: "Orders", subQueue: "main" },
        { maxMessages: 10, maxWaitTimeInMs: 1500, receiveMode: "peekLock" },
      ],
    });
  });
});
