/**
 * Resubmitting dead letters on entities with duplicate detection (the demo queue `orders` and topic
 * `order-events` have it). A copy that kept the original message id would be discarded by Service Bus as a
 * duplicate of the original and the dead letter removed anyway: lost. Copies get a new id derived from the
 * original id and the dead letter's sequence number, so they arrive, and a retried resubmit of the same dead
 * letter is still caught as a duplicate. keepMessageId keeps the original id, with the documented risk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENTITIES } from "../../../api/src/config/demo.js";
import { ORIGINAL_MESSAGE_ID_PROPERTY, resubmitMessageId } from "../../../api/src/servicebus/resubmit-id.js";
import { demoEmulatorConfig } from "../../../emulator/src/index.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf, onlyMessage } from "../../helpers/api-messages.js";

interface ResubmitBody {
  resubmitted: Array<{ sequenceNumber: string; messageId?: string; originalMessageId?: string }>;
  notFound: string[];
}

describe("API: resubmitting dead letters on entities with duplicate detection", () => {
  let fixture: ApiFixture;

  beforeAll(async () => {
    fixture = await startApiFixture(demoEmulatorConfig(), { entities: DEMO_ENTITIES });
  });
  afterAll(async () => fixture?.close());

  /** Sends a message to `entity`, receives it from `source` and dead-letters it; resolves to its dead-letter sequence number. */
  async function deadLetter(entity: string, source: string, messageId: string, properties: Record<string, string> = {}): Promise<string> {
    const sent = await fixture.api.request("POST", `/entities/${entity}/messages`, {
      body: { body: { messageId }, messageId, applicationProperties: properties },
    });
    expect(sent.status).toBe(201);
    const received = onlyMessage((await fixture.api.request("POST", `${source}/receive?maxMessages=1&maxWaitSeconds=5`)).body);
    expect(received.messageId).toBe(messageId);
    expect((await fixture.api.request("POST", `${source}/locks/${received.lockToken}/dead-letter`, { body: { deadLetterReason: "test" } })).status).toBe(204);
    const dead = messagesOf((await fixture.api.request("GET", `${source}/peek?subQueue=deadLetter&maxMessages=100`)).body).find(
      (message) => message.messageId === messageId,
    );
    expect(dead, `${messageId} is dead-lettered`).toBeDefined();
    return dead?.sequenceNumber ?? "";
  }

  async function receiveAll(source: string): Promise<ReturnType<typeof messagesOf>> {
    const response = await fixture.api.request("POST", `${source}/receive?maxMessages=100&maxWaitSeconds=2&receiveMode=receiveAndDelete`);
    expect(response.status).toBe(200);
    return messagesOf(response.body);
  }

  it("resubmits a dead letter of the queue orders under a new derived id, and the copy is received", async () => {
    const sequenceNumber = await deadLetter("orders", "/queues/orders", "order-1");
    const resubmitted = await fixture.api.request("POST", "/queues/orders/dead-letters/resubmit", { body: { sequenceNumbers: [sequenceNumber] } });
    expect(resubmitted.status).toBe(200);
    const copyId = `order-1/resubmit/${sequenceNumber}`;
    expect(resubmitted.body).toEqual({ resubmitted: [{ sequenceNumber, messageId: copyId, originalMessageId: "order-1" }], notFound: [] });

    const received = await receiveAll("/queues/orders");
    expect(received.map((message) => message.messageId)).toEqual([copyId]);
    expect(received[0]?.body).toEqual({ messageId: "order-1" });
    expect(received[0]?.applicationProperties).toEqual({ [ORIGINAL_MESSAGE_ID_PROPERTY]: "order-1" });
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek?subQueue=deadLetter")).body)).toEqual([]);
  });

  it("catches a retried resubmit of the same dead letter as a duplicate: one copy arrives", async () => {
    const sequenceNumber = await deadLetter("orders", "/queues/orders", "order-2");
    // A first attempt stored its copy, then failed before removing the dead letter.
    const copyId = resubmitMessageId({ originalMessageId: "order-2", deadLetterSequenceNumber: sequenceNumber });
    await fixture.api.request("POST", "/entities/orders/messages", { body: { body: { messageId: "order-2" }, messageId: copyId } });
    const retried = await fixture.api.request("POST", "/queues/orders/dead-letters/resubmit", { body: { sequenceNumbers: [sequenceNumber] } });
    expect((retried.body as ResubmitBody).resubmitted.map((each) => each.messageId)).toEqual([copyId]);
    expect((await receiveAll("/queues/orders")).map((message) => message.messageId)).toEqual([copyId]);
  });

  it("keeps the original id when asked, and duplicate detection then discards the copy (the documented risk)", async () => {
    const sequenceNumber = await deadLetter("orders", "/queues/orders", "order-3");
    const resubmitted = await fixture.api.request("POST", "/queues/orders/dead-letters/resubmit", {
      body: { sequenceNumbers: [sequenceNumber], keepMessageId: true },
    });
    expect(resubmitted.body).toEqual({ resubmitted: [{ sequenceNumber, messageId: "order-3", originalMessageId: "order-3" }], notFound: [] });
    expect(await receiveAll("/queues/orders")).toEqual([]);
  });

  it("gives copies from two subscriptions' dead letters of one topic message different ids, so both reach the topic", async () => {
    const properties = { eventType: "OrderSubmitted" };
    const billing = "/topics/order-events/subscriptions/billing";
    const analytics = "/topics/order-events/subscriptions/analytics";
    await receiveAll("/topics/order-events/subscriptions/support");
    const billingSequence = await deadLetter("order-events", billing, "order-4", properties);
    const analyticsReceived = onlyMessage((await fixture.api.request("POST", `${analytics}/receive?maxMessages=1&maxWaitSeconds=5`)).body);
    expect((await fixture.api.request("POST", `${analytics}/locks/${analyticsReceived.lockToken}/dead-letter`)).status).toBe(204);
    await receiveAll("/topics/order-events/subscriptions/support");

    const fromBilling = (await fixture.api.request("POST", `${billing}/dead-letters/resubmit`, { body: {} })).body as ResubmitBody;
    const fromAnalytics = (await fixture.api.request("POST", `${analytics}/dead-letters/resubmit`, { body: {} })).body as ResubmitBody;
    expect(fromBilling.resubmitted.map((each) => each.messageId)).toEqual([`order-4/resubmit/billing/${billingSequence}`]);
    expect(fromAnalytics.resubmitted).toHaveLength(1);
    const support = await receiveAll("/topics/order-events/subscriptions/support");
    expect(support.map((message) => message.messageId).sort()).toEqual(
      [...fromAnalytics.resubmitted, ...fromBilling.resubmitted].map((each) => each.messageId).sort(),
    );
  });
});
