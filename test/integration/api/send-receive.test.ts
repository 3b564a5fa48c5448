import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";

describe("API: send, peek and receive against the emulator", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture();
  });
  afterEach(async () => fixture.close());

  it("sends a JSON message and returns it decoded, with a generated message id", async () => {
    const sent = await fixture.api.request("POST", "/entities/orders/messages", {
      body: { body: { orderId: "A-1", amount: 12.5 }, applicationProperties: { eventType: "OrderSubmitted" }, timeToLiveSeconds: 3600 },
    });
    expect(sent.status).toBe(201);
    const { messageId } = sent.body as { messageId: string };
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);

    const peeked = await fixture.api.request("GET", "/queues/orders/peek");
    expect(peeked.status).toBe(200);
    const [message] = messagesOf(peeked.body);
    expect(message).toMatchObject({
      body: { orderId: "A-1", amount: 12.5 },
      bodyEncoding: "json",
      contentType: "application/json",
      messageId,
      applicationProperties: { eventType: "OrderSubmitted" },
      timeToLiveSeconds: 3600,
      sequenceNumber: "1",
      deliveryCount: 0,
      state: "active",
    });
    expect(message?.lockToken).toBeUndefined();
    expect(message?.enqueuedTimeUtc).toMatch(/Z$/);
  });

  it("round-trips text and binary bodies", async () => {
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "hello" } });
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: Buffer.from([0xff, 0, 1]).toString("base64"), bodyEncoding: "base64" } });
    const peeked = messagesOf((await fixture.api.request("GET", "/queues/orders/peek?maxMessages=5")).body);
    expect(peeked.map((m) => [m.body, m.bodyEncoding, m.contentType])).toEqual([
      ["hello", "text", "text/plain"],
      ["/wAB", "base64", "application/octet-stream"],
    ]);
  });

  it("receives with peek-lock and completes, after which the queue is empty", async () => {
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: { n: 1 }, messageId: "order-1" } });
    const received = await fixture.api.request("POST", "/queues/orders/receive?maxMessages=1&maxWaitSeconds=2");
    expect(received.status).toBe(200);
    const [message] = messagesOf(received.body);
    expect(message).toMatchObject({ messageId: "order-1", deliveryCount: 1, body: { n: 1 } });
    expect(message?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(message?.lockedUntilUtc ?? "")).toBeGreaterThan(Date.now());

    const completed = await fixture.api.request("POST", `/queues/orders/locks/${message?.lockToken}/complete`);
    expect(completed.status).toBe(204);
    const again = await fixture.api.request("GET", "/queues/orders/peek");
    expect(messagesOf(again.body)).toEqual([]);
  });

  it("receives and deletes on request", async () => {
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: "telemetry" } });
    const received = await fixture.api.request("POST", "/queues/orders/receive?receiveMode=receiveAndDelete&maxWaitSeconds=2");
    const [message] = messagesOf(received.body);
    expect(message?.body).toBe("telemetry");
    expect(message?.lockToken).toBeUndefined();
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body)).toEqual([]);
  });

  it("returns an empty list when nothing arrives in time", async () => {
    const received = await fixture.api.request("POST", "/queues/orders/receive?maxWaitSeconds=0.2");
    expect(received.status).toBe(200);
    expect(messagesOf(received.body)).toEqual([]);
  });
});
