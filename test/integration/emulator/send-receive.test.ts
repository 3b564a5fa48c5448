import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AmqpAnnotatedMessage } from "@azure/core-amqp";
import { isServiceBusError } from "@azure/service-bus";
import type { ServiceBusClient } from "@azure/service-bus";
import { PARTITIONING_VARIANTS, queuesConfig, startEmulatorWithClient, withPartitioning } from "../../helpers/emulator-fixture.js";

describe.each(PARTITIONING_VARIANTS)("emulator: sending and receiving with the real SDK ($variant entities)", ({ enablePartitioning }) => {
  let client: ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, close } = await startEmulatorWithClient({
      config: withPartitioning(queuesConfig({ orders: {}, small: {} }), enablePartitioning),
      maxMessageSizeInBytes: 8 * 1024,
    }));
  });
  afterEach(async () => close());

  it("round-trips every message field and application property type", async () => {
    const scheduledIgnored = undefined;
    await client.createSender("orders").sendMessages({
      body: { orderId: "o-1", amount: 12.5, lines: [1, 2] },
      messageId: "order-o-1",
      correlationId: "corr-1",
      subject: "OrderSubmitted",
      contentType: "application/json",
      to: "billing",
      replyTo: "replies",
      replyToSessionId: "reply-session",
      timeToLive: 60_000,
      scheduledEnqueueTimeUtc: scheduledIgnored,
      applicationProperties: { text: "x", integer: 42, negative: -7, big: 2 ** 40, float: 1.25, flag: true, nothing: null, when: new Date(1_700_000_000_000) },
    });
    const [message] = await client.createReceiver("orders").receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message).toBeDefined();
    expect(message?.body).toEqual({ orderId: "o-1", amount: 12.5, lines: [1, 2] });
    expect(message?.messageId).toBe("order-o-1");
    expect(message?.correlationId).toBe("corr-1");
    expect(message?.subject).toBe("OrderSubmitted");
    expect(message?.contentType).toBe("application/json");
    expect(message?.to).toBe("billing");
    expect(message?.replyTo).toBe("replies");
    expect(message?.replyToSessionId).toBe("reply-session");
    expect(message?.timeToLive).toBe(60_000);
    // The SDK hands Date application properties back as epoch milliseconds, as it does with Azure.
    expect(message?.applicationProperties).toEqual({
      text: "x",
      integer: 42,
      negative: -7,
      big: 2 ** 40,
      float: 1.25,
      flag: true,
      nothing: null,
      when: 1_700_000_000_000,
    });
    expect(message?.sequenceNumber?.toNumber()).toBe(1);
    expect(message?.deliveryCount).toBe(0);
    expect(message?.enqueuedTimeUtc).toBeInstanceOf(Date);
    expect(message?.lockedUntilUtc?.getTime()).toBeGreaterThan(Date.now());
    expect(message?.lockToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(message?.state).toBe("active");
  });

  it("round-trips string, binary, AMQP value and AMQP sequence bodies", async () => {
    const sender = client.createSender("orders");
    await sender.sendMessages({ body: "plain text" });
    await sender.sendMessages({ body: Buffer.from([0, 1, 2, 255]) });
    await sender.sendMessages(AmqpAnnotatedMessage.fromRheaMessage({ body: { nested: [1, "two"] } }) as never);
    const sequence: AmqpAnnotatedMessage = { body: [[1, 2], ["a"]], bodyType: "sequence" };
    const value: AmqpAnnotatedMessage = { body: { k: "v" }, bodyType: "value" };
    await sender.sendMessages(sequence);
    await sender.sendMessages(value);
    const received = await client.createReceiver("orders", { receiveMode: "receiveAndDelete" }).receiveMessages(5, { maxWaitTimeInMs: 5000 });
    expect(received.map((m) => m.body)).toEqual(["plain text", Buffer.from([0, 1, 2, 255]), { nested: [1, "two"] }, [[1, 2], ["a"]], { k: "v" }]);
    expect(received[3]?._rawAmqpMessage.bodyType).toBe("sequence");
    expect(received[4]?._rawAmqpMessage.bodyType).toBe("value");
  });

  it("gives every message an id when the sender sets none", async () => {
    await client.createSender("orders").sendMessages({ body: "no id" });
    const [message] = await client.createReceiver("orders").peekMessages(1);
    expect(message?.messageId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("sends arrays and message batches in order, with sequence numbers increasing", async () => {
    const sender = client.createSender("orders");
    await sender.sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(8 * 1024);
    for (let index = 4; index <= 6; index += 1) expect(batch.tryAddMessage({ body: index })).toBe(true);
    await sender.sendMessages(batch);
    const received = await client.createReceiver("orders", { receiveMode: "receiveAndDelete" }).receiveMessages(10, { maxWaitTimeInMs: 3000 });
    expect(received.map((m) => m.body)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(received.map((m) => m.sequenceNumber?.toNumber())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("refuses a batch message over the link's max-message-size with MessageSizeExceeded", async () => {
    const sender = client.createSender("small");
    const batch = await sender.createMessageBatch();
    expect(batch.tryAddMessage({ body: "x".repeat(9 * 1024) })).toBe(false);
    const error = await sender.sendMessages({ body: "x".repeat(9 * 1024) }).catch((caught: unknown) => caught);
    expect(isServiceBusError(error) && error.code).toBe("MessageSizeExceeded");
  });

  it("removes messages at delivery in receive-and-delete mode", async () => {
    await client.createSender("orders").sendMessages([{ body: "a" }, { body: "b" }]);
    const receiver = client.createReceiver("orders", { receiveMode: "receiveAndDelete" });
    const received = await receiver.receiveMessages(2, { maxWaitTimeInMs: 3000 });
    expect(received.map((m) => m.body)).toEqual(["a", "b"]);
    expect(received[0]?.lockToken).toBeUndefined();
    expect(await receiver.peekMessages(10)).toHaveLength(0);
  });

  it("waits for messages that arrive while a receive is pending", async () => {
    const receiver = client.createReceiver("orders");
    const pending = receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.createSender("orders").sendMessages({ body: "late" });
    const [message] = await pending;
    expect(message?.body).toBe("late");
  });

  it("returns fewer messages than asked for once the wait ends, and can receive again after the drain", async () => {
    const receiver = client.createReceiver("orders");
    await client.createSender("orders").sendMessages({ body: "only" });
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1500 })).map((m) => m.body)).toEqual(["only"]);
    expect(await receiver.receiveMessages(5, { maxWaitTimeInMs: 300 })).toEqual([]);
    await client.createSender("orders").sendMessages({ body: "next" });
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1500 })).map((m) => m.body)).toEqual(["next"]);
  });

  it("streams messages to subscribe() and auto-completes them", async () => {
    await client.createSender("orders").sendMessages([{ body: "s1" }, { body: "s2" }, { body: "s3" }]);
    const receiver = client.createReceiver("orders");
    const bodies: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = receiver.subscribe(
        {
          processMessage: async (message) => {
            bodies.push(message.body);
            if (bodies.length === 3) void subscription.close().then(resolve);
          },
          processError: async (args) => reject(args.error),
        },
        { maxConcurrentCalls: 2 },
      );
    });
    expect(bodies.sort()).toEqual(["s1", "s2", "s3"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await receiver.peekMessages(10)).toHaveLength(0);
  });

  it("reports MessagingEntityNotFound for an unknown queue", async () => {
    const error = await client
      .createSender("missing")
      .sendMessages({ body: 1 })
      .catch((caught: unknown) => caught);
    expect(isServiceBusError(error) && error.code).toBe("MessagingEntityNotFound");
    const receiveError = await client
      .createReceiver("missing")
      .receiveMessages(1, { maxWaitTimeInMs: 500 })
      .catch((caught: unknown) => caught);
    expect(isServiceBusError(receiveError) && receiveError.code).toBe("MessagingEntityNotFound");
  });

  it("matches entity names case-insensitively, as Service Bus does", async () => {
    await client.createSender("ORDERS").sendMessages({ body: "upper" });
    const [message] = await client.createReceiver("Orders").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.body).toBe("upper");
  });
});

describe("emulator: a long-lived receiver", () => {
  it("keeps delivering past rhea's 2048-delivery session buffer, whether messages are completed or their locks expire", async () => {
    const { client, close } = await startEmulatorWithClient({ config: queuesConfig({ many: {} }) });
    try {
      const sender = client.createSender("many");
      const total = 2600;
      for (let start = 0; start < total; start += 500) {
        await sender.sendMessages(Array.from({ length: Math.min(500, total - start) }, (_, index) => ({ body: start + index })));
      }
      const receiver = client.createReceiver("many");
      let received = 0;
      while (received < total) {
        const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 3000 });
        if (batch.length === 0) break;
        received += batch.length;
        await Promise.all(batch.map((message) => receiver.completeMessage(message)));
      }
      expect(received).toBe(total);
      expect(await receiver.peekMessages(5)).toHaveLength(0);
    } finally {
      await close();
    }
  }, 120_000);
});
