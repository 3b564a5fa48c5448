/**
 * Webhook triggers end to end, as `npm start` runs them (the API process with its embedded emulator and demo key):
 * a flow subscribes its callback URL, each message sent is pushed to it within a moment and completed, the
 * subscription's state shows the deliveries, and the platform's DELETE (without an API key) ends the pushes,
 * leaving new messages in the queue. Refused callback URLs answer 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiProcess } from "../../../helpers/api-process.js";
import type { ApiProcess } from "../../../helpers/api-process.js";
import { startCallbackServer } from "../../../helpers/callback-server.js";
import type { CallbackServer } from "../../../helpers/callback-server.js";
import { temporaryDirectory } from "../../../helpers/emulator-process.js";
import { until } from "../../../helpers/until.js";

interface Pushed {
  path: string;
  body: { body?: unknown; lockToken?: string; event?: { eventType?: string }; contractErrors?: unknown[] };
  at: number;
}

describe("webhook triggers through the API process", () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let api: ApiProcess;
  let callback: CallbackServer;
  let callbackBase: string;
  const pushed: Pushed[] = [];
  /** Statuses a callback path answers, one per push, before it answers 202. */
  const failuresByPath = new Map<string, number[]>();

  beforeAll(async () => {
    callback = await startCallbackServer((request, response) => {
      pushed.push({ path: request.url, body: JSON.parse(request.body) as Pushed["body"], at: request.receivedAt });
      response.writeHead(failuresByPath.get(request.url)?.shift() ?? 202).end();
    });
    callbackBase = callback.url("");
    dir = await temporaryDirectory();
    api = await startApiProcess({ DATA_DIR: dir.path }, 60_000);
  }, 90_000);
  afterAll(async () => {
    await api?.kill("SIGTERM");
    await callback?.close();
    await dir?.remove();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { "X-API-Key": api.demoKey ?? "" }) => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };

  it("subscribes, pushes each message within moments, shows its state, and stops after DELETE without an API key", async () => {
    const subscribed = await call("POST", "/queues/orders/webhooks", { callbackUrl: `${callbackBase}/flow-1?sig=secret` });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    const location = subscribed.headers.get("location") ?? "";
    expect(location).toMatch(new RegExp(`^${api.baseUrl}/queues/orders/webhooks/[A-Za-z0-9_-]{43}$`));
    expect(subscribed.body).toMatchObject({ entity: "orders", delivered: 0, failed: 0, maxConcurrentCalls: 4 });
    expect(JSON.stringify(subscribed.body)).not.toContain("secret");
    const path = new URL(location).pathname;

    const sentAt = Date.now();
    expect((await call("POST", "/entities/orders/messages", { body: { order: 1 } })).status).toBe(201);
    await until(() => pushed.some((each) => each.path === "/flow-1?sig=secret"));
    const first = pushed.find((each) => each.path === "/flow-1?sig=secret");
    expect(first?.body).toMatchObject({ body: { order: 1 } });
    // Pushed, not polled: well within the polling triggers' 30 s idle interval.
    expect((first?.at ?? Number.POSITIVE_INFINITY) - sentAt).toBeLessThan(10_000);

    await until(async () => (await call("GET", path)).body?.["delivered"] === 1);
    const state = await call("GET", path);
    expect(state.body).toMatchObject({ entity: "orders", delivered: 1, failed: 0, lastDeliveryAt: expect.any(String) });
    // Completed: nothing is left in the queue.
    await until(async () => ((await call("GET", "/queues/orders/peek?maxMessages=10")).body?.["messages"] as unknown[]).length === 0);

    expect((await call("DELETE", path, undefined, {})).status).toBe(204);
    expect((await call("GET", path)).status).toBe(404);
    // Unknown or already deleted ids answer the same, revealing nothing.
    expect((await call("DELETE", path, undefined, {})).status).toBe(204);
    expect((await call("DELETE", "/queues/orders/webhooks/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", undefined, {})).status).toBe(204);

    const before = pushed.length;
    expect((await call("POST", "/entities/orders/messages", { body: { order: 2 } })).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(pushed.length).toBe(before);
    const left = (await call("GET", "/queues/orders/peek?maxMessages=10")).body?.["messages"] as Array<{ body: unknown }>;
    expect(left.map((message) => message.body)).toEqual([{ order: 2 }]);
    // Leave the queue empty.
    await call("POST", "/queues/orders/receive?receiveMode=receiveAndDelete&maxMessages=10&maxWaitSeconds=2");
  }, 60_000);

  it("retries a callback that fails twice, then completes the message once it accepts, and shows both in the state", async () => {
    const flow = "/flow-flaky?sig=secret";
    failuresByPath.set(flow, [500, 503]);
    const subscribed = await call("POST", "/topics/order-events/subscriptions/analytics/webhooks", { callbackUrl: `${callbackBase}${flow}` });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    const path = new URL(subscribed.headers.get("location") ?? "").pathname;

    expect((await call("POST", "/entities/order-events/messages", { body: { order: 3 } })).status).toBe(201);
    // The counts of every instance are added to the registry every few seconds.
    await until(async () => (await call("GET", path)).body?.["delivered"] === 1, 40_000);
    const state = await call("GET", path);
    expect(state.body).toMatchObject({
      entity: "order-events/analytics",
      delivered: 1,
      failed: 2,
      lastDeliveryAt: expect.any(String),
      lastFailure: { status: 503, reason: expect.any(String), at: expect.any(String) },
    });
    expect(JSON.stringify(state.body)).not.toContain("secret");
    // Three attempts of the one message, the last one accepted; nothing else pushed to this flow.
    const attempts = pushed.filter((each) => each.path === flow);
    expect(attempts.map((each) => each.body.body)).toEqual([{ order: 3 }, { order: 3 }, { order: 3 }]);
    await until(
      async () => ((await call("GET", "/topics/order-events/subscriptions/analytics/peek?maxMessages=10")).body?.["messages"] as unknown[]).length === 0,
    );
    expect(pushed.filter((each) => each.path === flow)).toHaveLength(3);

    expect((await call("DELETE", path, undefined, {})).status).toBe(204);
  }, 60_000);

  it("refuses callback URLs the guard refuses, with 400 naming callbackUrl and never echoing the URL", async () => {
    for (const callbackUrl of [
      "http://flows.example.com/x?sig=abc",
      "https://prod-1.westeurope.logic.azure.com.evil.example/x?sig=abc",
      "https://169.254.169.254/latest/meta-data?sig=abc",
      "https://10.0.0.5/x?sig=abc",
      "https://user:pass@prod-1.westeurope.logic.azure.com/x?sig=abc",
      "not a url",
    ]) {
      const refused = await call("POST", "/queues/orders/webhooks", { callbackUrl });
      expect(refused.status, callbackUrl).toBe(400);
      expect(refused.body, callbackUrl).toMatchObject({ code: "ValidationFailed", errors: { body: [{ field: "/callbackUrl" }] } });
      expect(JSON.stringify(refused.body), callbackUrl).not.toContain("sig=abc");
    }
  });

  it("needs the API key to subscribe and to read a subscription's state", async () => {
    expect((await call("POST", "/queues/orders/webhooks", { callbackUrl: `${callbackBase}/x` }, {})).status).toBe(401);
    expect((await call("GET", "/queues/orders/webhooks/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", undefined, {})).status).toBe(401);
  });
});
