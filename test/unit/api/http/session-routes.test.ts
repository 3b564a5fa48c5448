import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_APP_KEY, listenWithFakeMessaging } from "../fake-app.js";
import type { FakeApp } from "../fake-app.js";
import { FakeMessaging } from "../fake-messaging.js";

const KEY = FAKE_APP_KEY;

describe("createApp with a fake Service Bus: session parameters", () => {
  const messaging = new FakeMessaging();
  let app: FakeApp;
  let baseUrl: string;

  beforeAll(async () => {
    app = await listenWithFakeMessaging(messaging, ["send", "listen", "manage"], {
      queues: ["cases"],
      topics: [{ name: "events", subscriptions: ["ordered"] }],
    });
    baseUrl = app.baseUrl;
  });
  afterAll(async () => app.close());
  beforeEach(() => {
    messaging.calls.length = 0;
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { "X-API-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  it("receives the next available session for sessionId=* and a given session otherwise", async () => {
    const next = await call("POST", "/queues/cases/receive?sessionId=*&maxWaitSeconds=2");
    expect(next).toEqual({ status: 200, body: { messages: [], sessionId: "next-session", sessionLockedUntilUtc: "2030-01-01T00:00:00.000Z" } });
    await call("POST", "/topics/events/subscriptions/ordered/receive?sessionId=order-1");
    expect(messaging.calls.map((each) => [each.method, each.args[1]])).toEqual([
      ["receiveSessionMessages", { maxMessages: 10, maxWaitTimeInMs: 2000, sessionId: undefined }],
      ["receiveSessionMessages", { maxMessages: 10, maxWaitTimeInMs: 5000, sessionId: "order-1" }],
    ]);
  });

  it("refuses receiveAndDelete with a session id (400)", async () => {
    const response = await call("POST", "/queues/cases/receive?sessionId=a&receiveMode=receiveAndDelete");
    expect(response.status).toBe(400);
    expect(messaging.calls).toEqual([]);
  });

  it("passes sessionId to peek and session state through", async () => {
    await call("GET", "/queues/cases/peek?sessionId=c-1");
    expect(messaging.calls[0]?.args[1]).toEqual({ maxMessages: 10, sessionId: "c-1" });
    expect(await call("PUT", "/queues/cases/sessions/c-1/state", { state: { step: 3 } })).toEqual({ status: 204, body: undefined });
    expect(messaging.calls[1]).toEqual({
      method: "setSessionState",
      args: [{ kind: "queue", queue: "cases", subQueue: "main" }, "c-1", { state: { step: 3 }, stateEncoding: "json" }],
    });
    expect((await call("PUT", "/queues/cases/sessions/c-1/state", {})).status).toBe(400);
    expect(await call("GET", "/queues/cases/sessions/c-1/state")).toEqual({ status: 200, body: { sessionId: "c-1", state: null, stateEncoding: "json" } });
  });

  it("refuses to create subscriptions of a topic that does not expose all its subscriptions (403)", async () => {
    expect((await call("PUT", "/topics/events/subscriptions/new")).status).toBe(403);
  });
});
