import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf, onlyMessage } from "../../helpers/api-messages.js";

describe("API: batch send, scheduling and size limits", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture();
  });
  afterEach(async () => fixture.close());

  it("sends a batch in order and returns the message ids", async () => {
    const response = await fixture.api.request("POST", "/entities/orders/messages/batch", {
      body: { messages: [{ body: { n: 1 }, messageId: "m-1" }, { body: { n: 2 } }, { body: "three", subject: "text" }] },
    });
    expect(response.status).toBe(201);
    const result = response.body as { messageIds: string[]; batchCount: number };
    expect(result.messageIds[0]).toBe("m-1");
    expect(result.messageIds).toHaveLength(3);
    expect(result.batchCount).toBe(1);
    const peeked = messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body);
    expect(peeked.map((m) => m.body)).toEqual([{ n: 1 }, { n: 2 }, "three"]);
    expect(peeked.map((m) => m.messageId)).toEqual(result.messageIds);
  });

  it("splits a batch larger than one Service Bus batch into several", async () => {
    const api = await fixture.startAnotherInstanceWithBodyLimit(2 * 1024 * 1024);
    const big = "x".repeat(100 * 1024);
    const response = await api.request("POST", "/entities/orders/messages/batch", {
      body: { messages: [{ body: big }, { body: big }, { body: big }] },
    });
    expect(response.status).toBe(201);
    expect((response.body as { batchCount: number }).batchCount).toBe(2);
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body)).toHaveLength(3);
  });

  it("returns 413 with the limit and the claim-check remedy, sending nothing, when one message is too large", async () => {
    const tooBig = "x".repeat(300 * 1024);
    const single = await fixture.api.request("POST", "/entities/orders/messages", { body: { body: tooBig } });
    // The test API's JSON body limit is 64 KB, so the HTTP layer refuses this first.
    expect(single.status).toBe(413);
    expect(single.body).toMatchObject({ code: "MessageSizeExceeded", limitInBytes: 64 * 1024 });
    expect((single.body as { detail: string }).detail).toMatch(/claim-check/);
  });

  it("returns 413 naming the message when it exceeds the entity's message size", async () => {
    const another = await fixture.startAnotherInstanceWithBodyLimit(2 * 1024 * 1024);
    const response = await another.request("POST", "/entities/orders/messages/batch", {
      body: { messages: [{ body: "small" }, { body: "x".repeat(300 * 1024) }] },
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: "MessageSizeExceeded", limitInBytes: 262144, index: 1 });
    expect((response.body as { detail: string }).detail).toMatch(/Message 1 is larger than the entity's limit of 262144 bytes.*claim-check/);
    expect(messagesOf((await another.request("GET", "/queues/orders/peek")).body)).toEqual([]);
  });

  it("schedules messages, shows them as scheduled, and cancels them", async () => {
    const at = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const scheduled = await fixture.api.request("POST", "/entities/orders/scheduled-messages", {
      body: { scheduledEnqueueTimeUtc: at, messages: [{ body: { n: 1 } }, { body: { n: 2 } }] },
    });
    expect(scheduled.status).toBe(201);
    const { sequenceNumbers } = scheduled.body as { sequenceNumbers: string[] };
    expect(sequenceNumbers).toHaveLength(2);
    const peeked = messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body);
    expect(peeked.map((m) => m.state)).toEqual(["scheduled", "scheduled"]);
    expect(peeked[0]?.scheduledEnqueueTimeUtc).toBe(at);
    expect(messagesOf((await fixture.api.request("POST", "/queues/orders/receive?maxWaitSeconds=0.3")).body)).toEqual([]);

    const cancelled = await fixture.api.request("POST", "/entities/orders/scheduled-messages/cancel", { body: { sequenceNumbers } });
    expect(cancelled.status).toBe(204);
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body)).toEqual([]);
  });

  it("delivers a message scheduled a moment ahead", async () => {
    const at = new Date(Date.now() + 500).toISOString();
    await fixture.api.request("POST", "/entities/orders/scheduled-messages", { body: { scheduledEnqueueTimeUtc: at, messages: [{ body: "soon" }] } });
    const received = onlyMessage((await fixture.api.request("POST", "/queues/orders/receive?maxWaitSeconds=5")).body);
    expect(received.body).toBe("soon");
  });

  it("refuses a schedule time in the past with a field error", async () => {
    const response = await fixture.api.request("POST", "/entities/orders/scheduled-messages", {
      body: { scheduledEnqueueTimeUtc: "2001-01-01T00:00:00Z", messages: [{ body: 1 }] },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ errors: { body: [{ field: "/scheduledEnqueueTimeUtc", message: "must not be in the past" }] } });
  });
});
