import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Long from "long";
import { isServiceBusError } from "@azure/service-bus";
import type { AmqpAnnotatedMessage } from "@azure/core-amqp";
import type { PeekMessagesOptions, ServiceBusClient, ServiceBusMessage, ServiceBusReceivedMessage } from "@azure/service-bus";
import { queuesConfig, startEmulatorWithClient } from "../../helpers/emulator-fixture.js";

const errorCode = (error: unknown): string | false => isServiceBusError(error) && error.code;

/** Details where the emulator must answer as Service Bus does, each as the SDK observes it. */
describe("emulator: agreement with Service Bus on details the SDK can observe", () => {
  let client: ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, close } = await startEmulatorWithClient({
      config: queuesConfig({ work: {}, short: { LockDuration: "PT5S" }, many: {} }),
    }));
  });
  afterEach(async () => close());

  async function deadLetterOne(queue: string, body: string): Promise<ServiceBusReceivedMessage> {
    await client.createSender(queue).sendMessages({ body });
    const receiver = client.createReceiver(queue);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    if (!message) throw new Error("no message");
    await receiver.deadLetterMessage(message, { deadLetterReason: "Test", deadLetterErrorDescription: "test" });
    const deadLetters = client.createReceiver(queue, { subQueueType: "deadLetter", maxAutoLockRenewalDurationInMs: 0 });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    if (!dead) throw new Error("no dead letter");
    return dead;
  }

  it("peeks without bodies when asked to omit them, and with bodies otherwise", async () => {
    await client.createSender("work").sendMessages([
      { body: "first", subject: "a" },
      { body: { second: true }, subject: "b" },
    ]);
    const receiver = client.createReceiver("work");
    // `omitMessageBody` is read by the SDK (it sends `omit-message-body`) but missing from its 7.9.5 option type.
    const withoutBodies = await receiver.peekMessages(10, { omitMessageBody: true } as PeekMessagesOptions);
    expect(withoutBodies.map((message) => [message.subject, message.body])).toEqual([
      ["a", undefined],
      ["b", undefined],
    ]);
    const withBodies = await receiver.peekMessages(10, { fromSequenceNumber: Long.fromNumber(1) });
    expect(withBodies.map((message) => message.body)).toEqual(["first", { second: true }]);
  });

  it("keeps the AMQP footer and the sender's header fields, with the broker's delivery count", async () => {
    const sent = {
      body: "annotated",
      bodyType: "value",
      header: { durable: false, priority: 20, firstAcquirer: true },
      footer: { propFooter: "foot" },
      applicationProperties: { kept: 1 },
    } as AmqpAnnotatedMessage;
    await client.createSender("short").sendMessages(sent as unknown as ServiceBusMessage);
    const receiver = client.createReceiver("short", { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    if (!first) throw new Error("no message");
    expect(first.body).toBe("annotated");
    expect(first._rawAmqpMessage.footer).toEqual({ propFooter: "foot" });
    expect(first._rawAmqpMessage.header).toMatchObject({ durable: false, priority: 20, firstAcquirer: true, deliveryCount: 0 });
    await receiver.abandonMessage(first);
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(second?._rawAmqpMessage.header).toMatchObject({ durable: false, priority: 20, deliveryCount: 1 });
    expect(second?.deliveryCount).toBe(1);
    const [peeked] = await client.createReceiver("short").peekMessages(1);
    expect(peeked?._rawAmqpMessage.footer).toEqual({ propFooter: "foot" });
  });

  it("gives a message sent without a header the service's defaults", async () => {
    await client.createSender("work").sendMessages({ body: "plain" });
    const [message] = await client.createReceiver("work", { receiveMode: "receiveAndDelete" }).receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?._rawAmqpMessage.header).toMatchObject({ durable: true, priority: 4, deliveryCount: 0 });
  });

  it("counts no deliveries in the dead-letter queue on abandon or lock expiry", async () => {
    await deadLetterOne("short", "dead");
    const deadLetters = client.createReceiver("short", { subQueueType: "deadLetter", maxAutoLockRenewalDurationInMs: 0 });
    // The helper's receiver still holds the lock; wait for it to lapse.
    await new Promise((resolve) => setTimeout(resolve, 5300));
    const [again] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    if (!again) throw new Error("no dead letter after lock expiry");
    expect(again.deliveryCount).toBe(0);
    await deadLetters.abandonMessage(again);
    const [abandoned] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(abandoned?.deliveryCount).toBe(0);
  }, 30_000);

  it("stops delivering to a peek-lock receiver at 2,047 unsettled messages", async () => {
    const sender = client.createSender("many");
    for (let sent = 0; sent < 2100; ) {
      const batch = await sender.createMessageBatch();
      while (sent < 2100 && batch.tryAddMessage({ body: sent })) sent += 1;
      await sender.sendMessages(batch);
    }
    const receiver = client.createReceiver("many", { maxAutoLockRenewalDurationInMs: 0 });
    const received = await receiver.receiveMessages(2100, { maxWaitTimeInMs: 5000 });
    expect(received).toHaveLength(2047);
    expect(await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 })).toHaveLength(0);
    await receiver.completeMessage(received[0] as ServiceBusReceivedMessage);
    expect(await receiver.receiveMessages(10, { maxWaitTimeInMs: 2000 })).toHaveLength(1);
  }, 60_000);

  it("refuses to dead-letter a message of the dead-letter queue (GeneralError) without counting a delivery", async () => {
    await deadLetterOne("short", "dead again");
    await new Promise((resolve) => setTimeout(resolve, 5300));
    const deadLetters = client.createReceiver("short", { subQueueType: "deadLetter", maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    if (!message) throw new Error("no dead letter");
    expect(errorCode(await deadLetters.deadLetterMessage(message).catch((caught: unknown) => caught))).toBe("GeneralError");
    // The refused dead-letter leaves the lock to expire; the message comes back with the same count.
    await new Promise((resolve) => setTimeout(resolve, 5300));
    const [again] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(again?.deliveryCount).toBe(0);
  }, 30_000);
});

/**
 * Service Bus documents a session lock as lasting the entity's lock duration unless the client renews it, and
 * the SDKs renew session locks only in peek-lock mode: an open link with credit outstanding does not keep it.
 */
describe("emulator: a receive-and-delete session receiver waiting past the session lock", () => {
  let client: ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, close } = await startEmulatorWithClient({ config: queuesConfig({ sessions: { RequiresSession: true, LockDuration: "PT5S" } }) }));
  });
  afterEach(async () => close());

  it("loses the session lock after the lock duration (SessionLockLost), as nothing renews it", async () => {
    await client.createSender("sessions").sendMessages({ body: "first", sessionId: "waiting" });
    const receiver = await client.acceptSession("sessions", "waiting", { receiveMode: "receiveAndDelete" });
    expect((await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 })).map((message) => message.body)).toEqual(["first"]);
    const waited = await receiver.receiveMessages(1, { maxWaitTimeInMs: 8000 }).catch((caught: unknown) => caught);
    expect(errorCode(waited)).toBe("SessionLockLost");
  }, 30_000);
});
