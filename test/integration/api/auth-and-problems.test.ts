import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_KEYS, startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";

describe("API: authentication, authorization and problems", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture();
  });
  afterAll(async () => fixture.close());

  it("returns 401 without a key and with a wrong key", async () => {
    for (const key of [null, "wrong-key"]) {
      const response = await fixture.api.request("GET", "/queues/orders/peek", { key });
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: "Unauthorized", status: 401, title: "An API key is required" });
    }
  });

  it("returns 403 when the key lacks the scope", async () => {
    const response = await fixture.api.request("POST", "/queues/orders/receive?maxWaitSeconds=0", { key: TEST_KEYS.sender });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: "Forbidden" });
    expect((response.body as { detail: string }).detail).toMatch(/listen/);
  });

  it("returns 404 both when the key may not use the entity and for entities that are not exposed", async () => {
    const other = await fixture.api.request("GET", "/queues/short-lock/peek", { key: TEST_KEYS.ordersListener });
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: "MessagingEntityNotFound" });
    const allowed = await fixture.api.request("GET", "/queues/orders/peek", { key: TEST_KEYS.ordersListener });
    expect(allowed.status).toBe(200);
    // `hidden` exists in Service Bus but the API does not expose it.
    for (const path of ["/queues/hidden/peek", "/queues/missing/peek", "/topics/events/subscriptions/nope/peek"]) {
      const response = await fixture.api.request("GET", path);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: "MessagingEntityNotFound" });
    }
    const send = await fixture.api.request("POST", "/entities/hidden/messages", { body: { body: 1 } });
    expect(send.status).toBe(404);
  });

  it("returns 400 with per-field errors grouped by location", async () => {
    const response = await fixture.api.request("POST", "/queues/orders/receive?maxMessages=0&receiveMode=sometimes&maxWaitSeconds=abc");
    expect(response.status).toBe(400);
    const body = response.body as { code: string; errors: { query: Array<{ field: string; message: string }> } };
    expect(body.code).toBe("ValidationFailed");
    expect(body.errors.query.map((error) => error.field).sort()).toEqual(["/maxMessages", "/maxWaitSeconds", "/receiveMode"]);

    const lock = await fixture.api.request("POST", "/queues/orders/locks/not-a-uuid/complete");
    expect(lock.status).toBe(400);
    expect(lock.body).toMatchObject({ errors: { params: [{ field: "/lockToken" }] } });

    const send = await fixture.api.request("POST", "/entities/orders/messages/batch", {
      body: { messages: [{ body: 1, timeToLiveSeconds: -5, colour: "blue" }, { nobody: true }] },
    });
    expect(send.status).toBe(400);
    const fields = (send.body as { errors: { body: Array<{ field: string }> } }).errors.body.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(["/messages/0/timeToLiveSeconds", "/messages/0/colour", "/messages/1/body", "/messages/1/nobody"]));
  });

  it("returns 400 for a body that does not fit its encoding", async () => {
    const response = await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "not base64!", bodyEncoding: "base64" } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errors: { body: [{ field: "/body" }] } });
  });

  it("returns 400 for malformed JSON and for a missing body", async () => {
    const malformed = await fixture.api.request("POST", "/entities/orders/messages", { rawBody: "{not json" });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: "ValidationFailed", errors: { body: [{ field: "", message: "is not valid JSON" }] } });
    const missing = await fixture.api.request("POST", "/entities/orders/messages");
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ errors: { body: [{ field: "" }] } });
  });

  it("returns a 404 problem for unknown routes and echoes the request id", async () => {
    const response = await fixture.api.request("GET", "/nowhere", { headers: { "X-Request-Id": "trace-123" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-request-id")).toBe("trace-123");
    expect(response.body).toMatchObject({ code: "RouteNotFound", requestId: "trace-123", instance: "/nowhere" });
  });

  it("serves the problem types the type URIs point to", async () => {
    const response = await fixture.api.request("GET", "/problems/MessageLockLost", { key: null });
    expect(response.body).toMatchObject({ code: "MessageLockLost", status: 410 });
  });
});
