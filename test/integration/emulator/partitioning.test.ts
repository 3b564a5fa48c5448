import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AmqpAnnotatedMessage } from "@azure/core-amqp";
import { isServiceBusError, ServiceBusAdministrationClient, ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusMessage } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { createEmulator } from "../../../emulator/src/create-emulator.js";
import type { Emulator } from "../../../emulator/src/create-emulator.js";
import { queuesConfig, startEmulatorWithClient, testClientOptions } from "../../helpers/emulator-fixture.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [
          { Name: "partitioned", Properties: { EnablePartitioning: true } },
          { Name: "partitioned-sessions", Properties: { EnablePartitioning: true, RequiresSession: true } },
          { Name: "partitioned-dedup", Properties: { EnablePartitioning: true, RequiresDuplicateDetection: true } },
          { Name: "plain" },
          { Name: "plain-sessions", Properties: { RequiresSession: true } },
        ],
        Topics: [{ Name: "partitioned-topic", Properties: { EnablePartitioning: true }, Subscriptions: [{ Name: "all" }] }],
      },
    ],
  },
});

/** The error a send failed with: the SDK's code (or the error's name for its own checks) and its message. */
async function sendFailure(send: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await send.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error === undefined) throw new Error("the send succeeded");
  if (isServiceBusError(error)) return { code: error.code, message: error.message };
  return { code: (error as Error).name, message: (error as Error).message };
}

/** An AMQP message whose partition key annotation and session id (group-id) the caller chooses freely. */
function annotated(body: string, fields: { partitionKey?: string; sessionId?: string }): AmqpAnnotatedMessage {
  return {
    body,
    bodyType: "data",
    ...(fields.partitionKey !== undefined && { messageAnnotations: { "x-opt-partition-key": fields.partitionKey } }),
    ...(fields.sessionId !== undefined && { properties: { groupId: fields.sessionId } }),
  } as AmqpAnnotatedMessage;
}

describe("emulator: what partitioned entities refuse and keep, with the real SDK", () => {
  let client: ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, close } = await startEmulatorWithClient({ config }));
  });
  afterEach(async () => close());

  it("round-trips partitionKey on a queue and a subscription, in received and peeked messages", async () => {
    await client.createSender("partitioned").sendMessages({ body: "q", partitionKey: "customer-7" });
    await client.createSender("partitioned-topic").sendMessages({ body: "t", partitionKey: "customer-8" });
    expect((await client.createReceiver("partitioned").peekMessages(1))[0]?.partitionKey).toBe("customer-7");
    const [received] = await client.createReceiver("partitioned").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(received?.partitionKey).toBe("customer-7");
    const [fromSubscription] = await client.createReceiver("partitioned-topic", "all").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(fromSubscription?.partitionKey).toBe("customer-8");
  });

  it("accepts a session message whose partitionKey is its sessionId", async () => {
    await client.createSender("partitioned-sessions").sendMessages({ body: "same", sessionId: "s-1", partitionKey: "s-1" });
    const receiver = await client.acceptSession("partitioned-sessions", "s-1");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.body).toBe("same");
    expect(message?.partitionKey).toBe("s-1");
  });

  it("refuses a message whose partitionKey differs from its sessionId: the SDK for its messages, the service for raw AMQP", async () => {
    const sender = client.createSender("partitioned-sessions");
    const fromSdk = await sendFailure(sender.sendMessages({ body: "x", sessionId: "s-1", partitionKey: "other" }));
    expect(fromSdk).toEqual({ code: "TypeError", message: "The fields 'partitionKey' and 'sessionId' cannot have different values." });
    const fromService = await sendFailure(sender.sendMessages(annotated("x", { sessionId: "s-1", partitionKey: "other" })));
    expect(fromService.code).toBe("GeneralError");
    expect(fromService.message).toMatch(/PartitionKey 'other' of the message differs from its SessionId 's-1'/);
    expect(await (await client.acceptSession("partitioned-sessions", "s-1")).peekMessages(5)).toHaveLength(0);
  });

  it("refuses a batch whose messages name different partition keys, and enqueues none of it", async () => {
    const messages: ServiceBusMessage[] = [
      { body: 1, partitionKey: "a" },
      { body: 2, partitionKey: "b" },
    ];
    const failure = await sendFailure(client.createSender("partitioned").sendMessages(messages));
    expect(failure.code).toBe("GeneralError");
    expect(failure.message).toMatch(
      /Batching brokered messages with distinct SessionId or PartitionKey is not supported for an entity with partitioning enabled/,
    );
    const batch = await client.createSender("partitioned").createMessageBatch();
    expect(batch.tryAddMessage({ body: 3, partitionKey: "a" }) && batch.tryAddMessage({ body: 4 })).toBe(true);
    expect((await sendFailure(client.createSender("partitioned").sendMessages(batch))).code).toBe("GeneralError");
    expect(await client.createReceiver("partitioned").peekMessages(10)).toHaveLength(0);
    // The same batch is fine on an entity without partitioning.
    await client.createSender("plain").sendMessages(messages);
    expect(await client.createReceiver("plain").peekMessages(10)).toHaveLength(2);
  });

  it("refuses a batch whose messages name different sessions, on a partitioned session queue only", async () => {
    const messages: ServiceBusMessage[] = [
      { body: 1, sessionId: "s-1" },
      { body: 2, sessionId: "s-2" },
    ];
    const failure = await sendFailure(client.createSender("partitioned-sessions").sendMessages(messages));
    expect(failure.code).toBe("GeneralError");
    expect(failure.message).toMatch(/distinct SessionId or PartitionKey/);
    await client.createSender("partitioned-sessions").sendMessages([
      { body: 1, sessionId: "s-1" },
      { body: 2, sessionId: "s-1" },
    ]);
    const receiver = await client.acceptSession("partitioned-sessions", "s-1");
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1500 })).map((message) => message.body)).toEqual([1, 2]);
    await client.createSender("plain-sessions").sendMessages(messages);
  });

  it("accepts a batch with one partition key, and numbers messages uniquely and increasingly across partition keys", async () => {
    const sender = client.createSender("partitioned");
    await sender.sendMessages([
      { body: 0, partitionKey: "k" },
      { body: 1, partitionKey: "k" },
    ]);
    for (let index = 2; index < 10; index += 1) await sender.sendMessages({ body: index, partitionKey: `key-${index % 3}` });
    const received = await client.createReceiver("partitioned", { receiveMode: "receiveAndDelete" }).receiveMessages(20, { maxWaitTimeInMs: 2000 });
    expect(received.map((message) => message.body)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(received.map((message) => message.sequenceNumber?.toNumber())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("with duplicate detection, refuses a batch of distinct message ids but drops a repeated single send", async () => {
    const sender = client.createSender("partitioned-dedup");
    const failure = await sendFailure(
      sender.sendMessages([
        { body: 1, messageId: "m-1" },
        { body: 2, messageId: "m-2" },
      ]),
    );
    expect(failure.code).toBe("GeneralError");
    expect(failure.message).toMatch(
      /Batching brokered messages with distinct SessionId, PartitionKey, or MessageId is not supported for an entity with partitioning and duplicate detection enabled/,
    );
    await sender.sendMessages({ body: "first", messageId: "m-1" });
    await sender.sendMessages({ body: "again", messageId: "m-1" });
    expect((await client.createReceiver("partitioned-dedup").peekMessages(10)).map((message) => message.body)).toEqual(["first"]);
  });
});

describe("emulator: partitioned entities through ServiceBusAdministrationClient", () => {
  let emulator: Emulator;
  let admin: ServiceBusAdministrationClient;
  let client: ServiceBusClient;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "emulator-partitioned-"));
    emulator = await createEmulator({ config: queuesConfig({}), adminPort: 0, dataDir });
    if (!emulator.admin) throw new Error("no admin server");
    admin = new ServiceBusAdministrationClient(emulator.admin.connectionString, { tlsOptions: { ca: emulator.admin.certificate } } as never);
    client = new ServiceBusClient(emulator.connectionString, testClientOptions);
  });
  afterEach(async () => {
    await client.close();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates partitioned queues and topics, reports them as partitioned, and applies the partition checks", async () => {
    await admin.createQueue("orders", { enablePartitioning: true, requiresSession: true });
    await admin.createQueue("unpartitioned");
    await admin.createTopic("events", { enablePartitioning: true });
    await admin.createSubscription("events", "all");
    expect((await admin.getQueue("orders")).enablePartitioning).toBe(true);
    expect((await admin.getQueue("unpartitioned")).enablePartitioning).toBe(false);
    expect((await admin.getTopic("events")).enablePartitioning).toBe(true);
    const failure = await sendFailure(
      client.createSender("orders").sendMessages([
        { body: 1, sessionId: "a" },
        { body: 2, sessionId: "b" },
      ]),
    );
    expect(failure.code).toBe("GeneralError");
    await client.createSender("events").sendMessages({ body: "e", partitionKey: "p" });
    const [message] = await client.createReceiver("events", "all").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.partitionKey).toBe("p");
  });

  it("keeps partitioning across a restart, and refuses to change it on an existing entity", async () => {
    await admin.createQueue("orders", { enablePartitioning: true });
    await emulator.close();
    emulator = await createEmulator({ config: queuesConfig({}), adminPort: 0, dataDir });
    admin = new ServiceBusAdministrationClient(emulator.admin!.connectionString, { tlsOptions: { ca: emulator.admin!.certificate } } as never);
    const queue = await admin.getQueue("orders");
    expect(queue.enablePartitioning).toBe(true);
    const error = await admin.updateQueue({ ...queue, enablePartitioning: false }).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).toMatch(/EnablePartitioning property of an existing Queue cannot be changed/);
  });
});
