import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf, onlyMessage } from "../../helpers/api-messages.js";

describe("API: settlement against the emulator", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture();
  });
  afterEach(async () => fixture.close());

  const send = (body: unknown, queue = "orders") => fixture.api.request("POST", `/entities/${queue}/messages`, { body: { body } });
  const receiveOne = async (queue = "orders", extra = "") =>
    onlyMessage((await fixture.api.request("POST", `/queues/${queue}/receive?maxMessages=1&maxWaitSeconds=3${extra}`)).body);

  it("abandons a message, which is redelivered with deliveryCount 2 and modified properties", async () => {
    await send({ step: "abandon" });
    const first = await receiveOne();
    expect(first.deliveryCount).toBe(1);
    const abandoned = await fixture.api.request("POST", `/queues/orders/locks/${first.lockToken}/abandon`, { body: { propertiesToModify: { attempt: 1 } } });
    expect(abandoned.status).toBe(204);
    const second = await receiveOne();
    expect(second).toMatchObject({ sequenceNumber: first.sequenceNumber, deliveryCount: 2, applicationProperties: { attempt: 1 } });
    const peekedWhileLocked = onlyMessage((await fixture.api.request("GET", "/queues/orders/peek")).body);
    expect(peekedWhileLocked.deliveryCount).toBe(1);
  });

  it("dead-letters with a reason, shows it in the dead-letter sub-queue, resubmits it and receives it again", async () => {
    await send({ step: "poison" });
    const message = await receiveOne();
    const deadLettered = await fixture.api.request("POST", `/queues/orders/locks/${message.lockToken}/dead-letter`, {
      body: { deadLetterReason: "ValidationError", deadLetterErrorDescription: "amount is missing" },
    });
    expect(deadLettered.status).toBe(204);

    const inDeadLetters = onlyMessage((await fixture.api.request("GET", "/queues/orders/peek?subQueue=deadLetter")).body);
    expect(inDeadLetters).toMatchObject({ body: { step: "poison" }, deadLetterReason: "ValidationError", deadLetterErrorDescription: "amount is missing" });
    expect(inDeadLetters.applicationProperties).toBeUndefined();
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body)).toEqual([]);

    const resubmitted = await fixture.api.request("POST", "/queues/orders/dead-letters/resubmit", {
      body: { sequenceNumbers: [inDeadLetters.sequenceNumber, "999"] },
    });
    expect(resubmitted.status).toBe(200);
    // The copy gets a new id derived from the original one and the dead letter's sequence number (test/integration/api/resubmit-duplicate-detection.test.ts).
    const copyId = `${message.messageId}/resubmit/${inDeadLetters.sequenceNumber}`;
    expect(resubmitted.body).toEqual({
      resubmitted: [{ sequenceNumber: inDeadLetters.sequenceNumber, messageId: copyId, originalMessageId: message.messageId }],
      notFound: ["999"],
    });

    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek?subQueue=deadLetter")).body)).toEqual([]);
    const again = await receiveOne();
    expect(again).toMatchObject({
      body: { step: "poison" },
      messageId: copyId,
      applicationProperties: { OriginalMessageId: message.messageId },
      deliveryCount: 1,
    });
    expect(again.deadLetterReason).toBeUndefined();
  });

  it("resubmits the first N dead letters when no sequence numbers are given", async () => {
    for (const n of [1, 2, 3]) await send({ n });
    const received = messagesOf((await fixture.api.request("POST", "/queues/orders/receive?maxMessages=3&maxWaitSeconds=3")).body);
    for (const message of received) await fixture.api.request("POST", `/queues/orders/locks/${message.lockToken}/dead-letter`);
    const resubmitted = await fixture.api.request("POST", "/queues/orders/dead-letters/resubmit", { body: { maxMessages: 2 } });
    expect((resubmitted.body as { resubmitted: unknown[] }).resubmitted).toHaveLength(2);
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek?subQueue=deadLetter")).body).map((m) => m.body)).toEqual([{ n: 3 }]);
  });

  it("defers a message, receives it by sequence number and completes it", async () => {
    await send({ step: "defer" });
    const message = await receiveOne();
    expect((await fixture.api.request("POST", `/queues/orders/locks/${message.lockToken}/defer`)).status).toBe(204);
    expect(onlyMessage((await fixture.api.request("GET", "/queues/orders/peek")).body).state).toBe("deferred");

    const deferred = await fixture.api.request("POST", "/queues/orders/deferred/receive", { body: { sequenceNumbers: [message.sequenceNumber] } });
    const again = onlyMessage(deferred.body);
    expect(again).toMatchObject({ body: { step: "defer" }, state: "deferred", deliveryCount: 2 });
    expect((await fixture.api.request("POST", `/queues/orders/locks/${again.lockToken}/complete`)).status).toBe(204);
    expect(messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body)).toEqual([]);
  });

  it("returns 404 MessageNotFound for a sequence number that is not deferred", async () => {
    const response = await fixture.api.request("POST", "/queues/orders/deferred/receive", { body: { sequenceNumbers: ["42"] } });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: "MessageNotFound" });
  });

  it("renews a lock, moving lockedUntilUtc forward", async () => {
    await send("renew me");
    const message = await receiveOne();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const renewed = await fixture.api.request("POST", `/queues/orders/locks/${message.lockToken}/renew`);
    expect(renewed.status).toBe(200);
    const { lockedUntilUtc } = renewed.body as { lockedUntilUtc: string };
    expect(Date.parse(lockedUntilUtc)).toBeGreaterThan(Date.parse(message.lockedUntilUtc ?? ""));
  });

  it("completes a lock token received by another API instance, through the management path", async () => {
    await send({ step: "cross-instance" });
    const message = await receiveOne();
    const second = await fixture.startAnotherInstance();
    const completed = await second.request("POST", `/queues/orders/locks/${message.lockToken}/complete`);
    expect(completed.status).toBe(204);
    expect(messagesOf((await second.request("GET", "/queues/orders/peek")).body)).toEqual([]);
    // The first instance no longer holds a valid lock for it either.
    const late = await fixture.api.request("POST", `/queues/orders/locks/${message.lockToken}/complete`);
    expect(late.status).toBe(410);
  });

  it("abandons and dead-letters through another instance too", async () => {
    await send({ step: "cross-abandon" });
    const first = await receiveOne();
    const second = await fixture.startAnotherInstance();
    expect((await second.request("POST", `/queues/orders/locks/${first.lockToken}/abandon`)).status).toBe(204);
    const redelivered = await receiveOne();
    expect(redelivered.deliveryCount).toBe(2);
    expect((await second.request("POST", `/queues/orders/locks/${redelivered.lockToken}/dead-letter`, { body: { deadLetterReason: "cross" } })).status).toBe(
      204,
    );
    expect(onlyMessage((await second.request("GET", "/queues/orders/peek?subQueue=deadLetter")).body).deadLetterReason).toBe("cross");
  });

  it("returns 410 MessageLockLost when a message is settled twice", async () => {
    await send("once");
    const message = await receiveOne();
    expect((await fixture.api.request("POST", `/queues/orders/locks/${message.lockToken}/complete`)).status).toBe(204);
    const twice = await fixture.api.request("POST", `/queues/orders/locks/${message.lockToken}/complete`);
    expect(twice.status).toBe(410);
    expect(twice.body).toMatchObject({ code: "MessageLockLost", status: 410, type: "/problems/MessageLockLost" });
  });

  it("returns 410 for an unknown lock token", async () => {
    const response = await fixture.api.request("POST", "/queues/orders/locks/2b6f0c1e-0000-4000-8000-000000000000/complete");
    expect(response.status).toBe(410);
  });

  it("returns 410 when settling after the lock expired, and the message comes back with deliveryCount 2", async () => {
    await send("slow", "short-lock");
    const message = await receiveOne("short-lock");
    await new Promise((resolve) => setTimeout(resolve, Date.parse(message.lockedUntilUtc ?? "") - Date.now() + 300));
    const late = await fixture.api.request("POST", `/queues/short-lock/locks/${message.lockToken}/complete`);
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ code: "MessageLockLost" });
    const again = await receiveOne("short-lock");
    expect(again.deliveryCount).toBe(2);
    expect((await fixture.api.request("POST", `/queues/short-lock/locks/${again.lockToken}/complete`)).status).toBe(204);
  }, 20_000);
});
