import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Long from "long";
import type { ServiceBusClient } from "@azure/service-bus";
import { PARTITIONING_VARIANTS, queuesConfig, startEmulatorWithClient, withPartitioning } from "../../helpers/emulator-fixture.js";

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(PARTITIONING_VARIANTS)("emulator: peek, scheduling and expiry with the real SDK ($variant entities)", ({ enablePartitioning }) => {
  let client: ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, close } = await startEmulatorWithClient({
      config: withPartitioning(
        queuesConfig({
          browse: {},
          timed: {},
          expiring: { DefaultMessageTimeToLive: "PT1H" },
          "expiring-dlq": { DeadLetteringOnMessageExpiration: true },
        }),
        enablePartitioning,
      ),
    }));
  });
  afterEach(async () => close());

  it("peeks in pages without locking, continuing from the last sequence number", async () => {
    await client.createSender("browse").sendMessages(Array.from({ length: 25 }, (_, index) => ({ body: index })));
    const receiver = client.createReceiver("browse");
    const pages: number[][] = [];
    for (let page = 0; page < 3; page += 1) pages.push((await receiver.peekMessages(10)).map((m) => m.body as number));
    expect(pages).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22, 23, 24],
    ]);
    const fromTwenty = await receiver.peekMessages(3, { fromSequenceNumber: Long.fromNumber(21) });
    expect(fromTwenty.map((m) => m.body)).toEqual([20, 21, 22]);
    expect(fromTwenty[0]?.lockToken).toBeUndefined();
    // Peeking took no lock: all 25 can still be received.
    expect(await client.createReceiver("browse", { receiveMode: "receiveAndDelete" }).receiveMessages(25, { maxWaitTimeInMs: 2000 })).toHaveLength(25);
  });

  it("peeks locked messages too, with their delivery counts", async () => {
    await client.createSender("browse").sendMessages({ body: "locked" });
    const receiver = client.createReceiver("browse");
    const [received] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    const [peeked] = await client.createReceiver("browse").peekMessages(1);
    expect(peeked?.sequenceNumber?.toNumber()).toBe(received?.sequenceNumber?.toNumber());
    expect(peeked?.body).toBe("locked");
  });

  it("keeps scheduled messages invisible until their time, then delivers them", async () => {
    const sender = client.createSender("timed");
    const at = new Date(Date.now() + 1500);
    const [sequenceNumber] = await sender.scheduleMessages({ body: "scheduled" }, at);
    expect(sequenceNumber?.toNumber()).toBeGreaterThan(0);
    const receiver = client.createReceiver("timed");
    const [peeked] = await receiver.peekMessages(1);
    expect(peeked?.state).toBe("scheduled");
    expect(peeked?.scheduledEnqueueTimeUtc?.getTime()).toBe(at.getTime());
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).toEqual([]);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.body).toBe("scheduled");
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    expect(message?.enqueuedTimeUtc?.getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it("schedules a message sent with scheduledEnqueueTimeUtc on the link", async () => {
    await client.createSender("timed").sendMessages({ body: "via link", scheduledEnqueueTimeUtc: new Date(Date.now() + 60_000) });
    const [peeked] = await client.createReceiver("timed").peekMessages(1);
    expect(peeked?.state).toBe("scheduled");
    expect(await client.createReceiver("timed").receiveMessages(1, { maxWaitTimeInMs: 500 })).toEqual([]);
  });

  it("cancels scheduled messages so that they never arrive", async () => {
    const sender = client.createSender("timed");
    const numbers = await sender.scheduleMessages([{ body: "cancelled" }, { body: "kept" }], new Date(Date.now() + 1000));
    await sender.cancelScheduledMessages(numbers[0] as Long);
    await wait(1300);
    const received = await client.createReceiver("timed", { receiveMode: "receiveAndDelete" }).receiveMessages(5, { maxWaitTimeInMs: 1500 });
    expect(received.map((m) => m.body)).toEqual(["kept"]);
  });

  it("drops a message whose time to live ran out", async () => {
    await client.createSender("expiring").sendMessages([{ body: "short-lived", timeToLive: 500 }, { body: "long-lived" }]);
    await wait(900);
    const received = await client.createReceiver("expiring", { receiveMode: "receiveAndDelete" }).receiveMessages(5, { maxWaitTimeInMs: 1500 });
    expect(received.map((m) => m.body)).toEqual(["long-lived"]);
    expect(await client.createReceiver("expiring", { subQueueType: "deadLetter" }).peekMessages(5)).toHaveLength(0);
  });

  it("dead-letters an expired message with TTLExpiredException when DeadLetteringOnMessageExpiration is on", async () => {
    await client.createSender("expiring-dlq").sendMessages({ body: "expired", timeToLive: 500 });
    await wait(900);
    // Expiry runs on its own timer: no receiver on the main queue is needed.
    const [deadLettered] = await client.createReceiver("expiring-dlq", { subQueueType: "deadLetter" }).receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(deadLettered?.body).toBe("expired");
    expect(deadLettered?.deadLetterReason).toBe("TTLExpiredException");
    expect(deadLettered?.timeToLive).toBe(500);
  });

  it("caps a message's time to live at the entity's DefaultMessageTimeToLive", async () => {
    await client.createSender("expiring").sendMessages({ body: "too long", timeToLive: 48 * 3600 * 1000 });
    const [peeked] = await client.createReceiver("expiring").peekMessages(1);
    expect(peeked?.timeToLive).toBe(3600 * 1000);
  });
});
