/**
 * Lock tokens are written in their one spelling (lower case) at the edge, once the request is valid:
 * the gateway receives them so from every operation that takes one, and a token repeated in another
 * spelling is refused before anything is settled.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_APP_KEY, listenWithFakeMessaging } from "../fake-app.js";
import type { FakeApp } from "../fake-app.js";
import { FakeMessaging } from "../fake-messaging.js";

const TOKEN = "ABCDEF00-0000-4000-8000-00000000000A";

describe("lock tokens at the edge", () => {
  const messaging = new FakeMessaging();
  let app: FakeApp;

  beforeAll(async () => {
    app = await listenWithFakeMessaging(messaging, ["listen"], { queues: ["orders"], topics: [] });
  });
  afterAll(async () => app.close());
  beforeEach(() => {
    messaging.calls.length = 0;
  });

  const post = (path: string, body?: unknown) =>
    fetch(`${app.baseUrl}${path}`, {
      method: "POST",
      headers: { "X-API-Key": FAKE_APP_KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("hands the gateway a path's lock token in lower case, for every settlement and the lock renewal", async () => {
    for (const action of ["complete", "abandon", "dead-letter", "defer", "renew"]) {
      const response = await post(`/queues/orders/locks/${TOKEN}/${action}`);
      expect(response.status, action).toBeLessThan(300);
    }
    expect(messaging.calls.map((call) => call.args[1])).toEqual(Array(5).fill({ lockToken: TOKEN.toLowerCase() }));
  });

  it("hands CompleteMessages' tokens in lower case, and refuses one repeated in another spelling", async () => {
    const completed = await post("/queues/orders/locks/complete", { lockTokens: [TOKEN] });
    expect(completed.status).toBe(200);
    expect(messaging.calls.map((call) => call.args[1])).toEqual([{ lockToken: TOKEN.toLowerCase() }]);
    messaging.calls.length = 0;
    const repeated = await post("/queues/orders/locks/complete", { lockTokens: [TOKEN.toLowerCase(), TOKEN] });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ code: "ValidationFailed", errors: { body: [{ field: "/lockTokens/1" }] } });
    expect(messaging.calls).toEqual([]);
  });
});
