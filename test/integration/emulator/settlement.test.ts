import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isServiceBusError } from "@azure/service-bus";
import type { ServiceBusClient, ServiceBusReceivedMessage } from "@azure/service-bus";
import { PARTITIONING_VARIANTS, queuesConfig, startEmulatorWithClient, withPartitioning } from "../../helpers/emulator-fixture.js";

async function receiveOne(client: ServiceBusClient, queue: string, options: { subQueueType?: "deadLetter" } = {}): Promise<ServiceBusReceivedMessage> {
  const [message] = await client.createReceiver(queue, options).receiveMessages(1, { maxWaitTimeInMs: 5000 });
  if (!message) throw new Error(`no message arrived on ${queue}`);
  return message;
}

describe.each(PARTITIONING_VARIANTS)("emulator: settlement with the real SDK ($variant entities)", ({ enablePartitioning }) => {
  let client: ServiceBusClient;
  let newClient: () => ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, newClient, close } = await startEmulatorWithClient({
      config: withPartitioning(
        queuesConfig({
          work: { MaxDeliveryCount: 3 },
          short: { LockDuration: "PT5S", MaxDeliveryCount: 5 },
        }),
        enablePartitioning,
      ),
    }));
  });
  afterEach(async () => close());

  it("completes a message so that nobody receives it again", async () => {
    await client.createSender("work").sendMessages({ body: "done" });
    const receiver = client.createReceiver("work");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.completeMessage(message as ServiceBusReceivedMessage);
    expect(await receiver.peekMessages(10)).toHaveLength(0);
  });

  it("redelivers an abandoned message with deliveryCount + 1 and the modified properties", async () => {
    await client.createSender("work").sendMessages({ body: "retry me", applicationProperties: { keep: "yes", change: 1 } });
    const receiver = client.createReceiver("work");
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.abandonMessage(first as ServiceBusReceivedMessage, { change: 2, added: "new" });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(second?.body).toBe("retry me");
    expect(second?.deliveryCount).toBe(1);
    expect(second?.sequenceNumber?.toNumber()).toBe(first?.sequenceNumber?.toNumber());
    expect(second?.applicationProperties).toEqual({ keep: "yes", change: 2, added: "new" });
  });

  it("moves a message to the dead-letter queue when abandons reach MaxDeliveryCount", async () => {
    await client.createSender("work").sendMessages({ body: "poison", messageId: "poison-1" });
    const receiver = client.createReceiver("work");
    const counts: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      counts.push(message?.deliveryCount ?? -1);
      await receiver.abandonMessage(message as ServiceBusReceivedMessage);
    }
    expect(counts).toEqual([0, 1, 2]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    const deadLettered = await receiveOne(client, "work", { subQueueType: "deadLetter" });
    expect(deadLettered.messageId).toBe("poison-1");
    expect(deadLettered.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(deadLettered.deadLetterErrorDescription).toMatch(/3 delivery attempts/);
  });

  it("dead-letters with a reason, description and properties, without counting a delivery", async () => {
    await client.createSender("work").sendMessages({ body: "bad data" });
    const receiver = client.createReceiver("work");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deadLetterMessage(
      message as ServiceBusReceivedMessage,
      {
        deadLetterReason: "ValidationFailed",
        deadLetterErrorDescription: "amount must be positive",
        extra: "context",
      } as never,
    );
    const deadLettered = await receiveOne(client, "work", { subQueueType: "deadLetter" });
    expect(deadLettered.body).toBe("bad data");
    expect(deadLettered.deadLetterReason).toBe("ValidationFailed");
    expect(deadLettered.deadLetterErrorDescription).toBe("amount must be positive");
    expect(deadLettered.applicationProperties?.extra).toBe("context");
    expect(deadLettered.deliveryCount).toBe(0);
  });

  it("lets the dead-letter queue be peeked and completed, but not dead-lettered again", async () => {
    await client.createSender("work").sendMessages([{ body: "d1" }, { body: "d2" }]);
    const receiver = client.createReceiver("work");
    for (const message of await receiver.receiveMessages(2, { maxWaitTimeInMs: 5000 })) await receiver.deadLetterMessage(message);
    const deadLetterReceiver = client.createReceiver("work", { subQueueType: "deadLetter" });
    expect((await deadLetterReceiver.peekMessages(10)).map((m) => m.body)).toEqual(["d1", "d2"]);
    const [first, second] = await deadLetterReceiver.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    await deadLetterReceiver.completeMessage(first as ServiceBusReceivedMessage);
    const error = await deadLetterReceiver.deadLetterMessage(second as ServiceBusReceivedMessage).catch((caught: unknown) => caught);
    expect(isServiceBusError(error) && error.code).toBe("GeneralError");
    expect(String((error as Error).message)).toMatch(/cannot be dead-lettered again/);
  });

  it("defers a message and receives it back by sequence number with deliveryCount 1", async () => {
    await client.createSender("work").sendMessages([{ body: "later" }, { body: "now" }]);
    const receiver = client.createReceiver("work");
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await receiver.deferMessage(first as ServiceBusReceivedMessage, { deferredBy: "test" });
    const [next] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(next?.body).toBe("now");
    const sequenceNumber = first?.sequenceNumber;
    if (!sequenceNumber) throw new Error("no sequence number");
    const [peeked] = await receiver.peekMessages(1, { fromSequenceNumber: sequenceNumber });
    expect(peeked?.state).toBe("deferred");
    const [deferred] = await receiver.receiveDeferredMessages(sequenceNumber);
    expect(deferred?.body).toBe("later");
    expect(deferred?.deliveryCount).toBe(1);
    expect(deferred?.applicationProperties?.deferredBy).toBe("test");
    await receiver.completeMessage(deferred as ServiceBusReceivedMessage);
    expect(await receiver.receiveDeferredMessages(sequenceNumber).catch((caught: unknown) => isServiceBusError(caught) && caught.code)).toBe("MessageNotFound");
  });

  it("settles a message received by one client from a second client through the management node", async () => {
    await client.createSender("work").sendMessages({ body: "cross", messageId: "cross-1" });
    const [message] = await client.createReceiver("work").receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const other = newClient().createReceiver("work");
    // The second client has no link for this delivery, so the SDK falls back to update-disposition by lock token.
    await other.completeMessage(message as ServiceBusReceivedMessage);
    expect(await other.peekMessages(10)).toHaveLength(0);
  });

  it("abandons and dead-letters from a second client too", async () => {
    await client.createSender("work").sendMessages([{ body: "a" }, { body: "b" }]);
    const [a, b] = await client.createReceiver("work").receiveMessages(2, { maxWaitTimeInMs: 5000 });
    const other = newClient().createReceiver("work");
    await other.abandonMessage(a as ServiceBusReceivedMessage, { via: "management" });
    await other.deadLetterMessage(b as ServiceBusReceivedMessage, { deadLetterReason: "Cross", deadLetterErrorDescription: "from another client" });
    const [again] = await other.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(again?.body).toBe("a");
    expect(again?.deliveryCount).toBe(1);
    expect(again?.applicationProperties?.via).toBe("management");
    const deadLettered = await receiveOne(client, "work", { subQueueType: "deadLetter" });
    expect(deadLettered.deadLetterReason).toBe("Cross");
  });

  it("redelivers a message whose lock expired, and refuses the stale lock with MessageLockLost", async () => {
    await client.createSender("short").sendMessages({ body: "slow consumer" });
    const receiver = client.createReceiver("short", { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const lockedFor = (first?.lockedUntilUtc?.getTime() ?? 0) - Date.now();
    expect(lockedFor).toBeGreaterThan(3000);
    expect(lockedFor).toBeLessThanOrEqual(5000);
    await new Promise((resolve) => setTimeout(resolve, lockedFor + 300));
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(second?.body).toBe("slow consumer");
    expect(second?.deliveryCount).toBe(1);
    const error = await receiver.completeMessage(first as ServiceBusReceivedMessage).catch((caught: unknown) => caught);
    expect(isServiceBusError(error) && error.code).toBe("MessageLockLost");
    await receiver.completeMessage(second as ServiceBusReceivedMessage);
  }, 20_000);

  it("renews a lock so that it outlives the lock duration", async () => {
    await client.createSender("short").sendMessages({ body: "renewed" });
    const receiver = client.createReceiver("short", { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const before = message?.lockedUntilUtc?.getTime() ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const renewedUntil = await receiver.renewMessageLock(message as ServiceBusReceivedMessage);
    expect(renewedUntil.getTime()).toBeGreaterThan(before);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, before - Date.now()) + 300));
    // Past the original lock: the renewed lock still holds, so the message can be completed.
    await receiver.completeMessage(message as ServiceBusReceivedMessage);
    expect(await receiver.peekMessages(10)).toHaveLength(0);
  }, 20_000);

  it("refuses to settle an unknown lock token through the management node with MessageLockLost", async () => {
    await client.createSender("work").sendMessages({ body: "x" });
    const [message] = await client.createReceiver("work").receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const other = newClient().createReceiver("work");
    await other.completeMessage(message as ServiceBusReceivedMessage);
    // The lock ended with that completion: settling the same token again is refused by the emulator.
    const error = await other.completeMessage(message as ServiceBusReceivedMessage).catch((caught: unknown) => caught);
    expect(isServiceBusError(error) && error.code).toBe("MessageLockLost");
  });
});
