import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../../../api/src/app.js";
import { hashApiKey } from "../../../../api/src/auth/api-keys.js";
import { silentLogger } from "../../../../api/src/logger.js";
import { FakeMessaging } from "../fake-messaging.js";
import { EventCatalog } from "../../../../api/src/events/event-catalog.js";

const KEY = "unit-key";

describe("createApp with a fake Service Bus: error mapping", () => {
  const messaging = new FakeMessaging();
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const app = createApp({
      messaging,
      logger: silentLogger(),
      apiKeys: [{ name: "unit", sha256: hashApiKey(KEY), scopes: ["send", "listen"], entities: ["*"] }],
      entities: { queues: ["Orders"], topics: [{ name: "events", subscriptions: ["audit"] }] },
      eventCatalog: new EventCatalog([]),
      newRequestId: () => "req-1",
    });
    server = await new Promise((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
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

  it("passes the configured spelling of entity names and defaults to the handlers", async () => {
    await post("/queues/ORDERS/receive?maxWaitSeconds=1.5");
    expect(messaging.calls[0]).toEqual({
      method: "receiveMessages",
      args: [{ kind: "queue", queue: "Orders", subQueue: "main" }, { maxMessages: 10, maxWaitTimeInMs: 1500, receiveMode: "peekLock" }],
    });
  });
});
