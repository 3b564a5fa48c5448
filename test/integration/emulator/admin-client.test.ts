import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ServiceBusAdministrationClient, ServiceBusClient } from "@azure/service-bus";
import { createEmulator } from "../../../emulator/src/create-emulator.js";
import type { Emulator } from "../../../emulator/src/create-emulator.js";
import { queuesConfig, testClientOptions } from "../../helpers/emulator-fixture.js";

describe("emulator: ServiceBusAdministrationClient against the broker", () => {
  let emulator: Emulator;
  let admin: ServiceBusAdministrationClient;
  let client: ServiceBusClient;
  let dataDir: string;

  const start = async (): Promise<void> => {
    emulator = await createEmulator({ config: queuesConfig({ existing: {} }), adminPort: 0, dataDir });
    if (!emulator.admin) throw new Error("no admin server");
    admin = new ServiceBusAdministrationClient(emulator.admin.connectionString, { tlsOptions: { ca: emulator.admin.certificate } } as never);
    client = new ServiceBusClient(emulator.connectionString, testClientOptions);
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "emulator-admin-"));
    await start();
  });
  afterEach(async () => {
    await client.close();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates a queue that the SDK can use at once, reports its message counts, and deletes it", async () => {
    await admin.createQueue("created", { lockDuration: "PT30S", maxDeliveryCount: 5 });
    expect((await admin.getQueue("created")).maxDeliveryCount).toBe(5);
    await client.createSender("created").sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    const receiver = client.createReceiver("created");
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await receiver.deadLetterMessage(first!);
    await client.createSender("created").scheduleMessages({ body: "later" }, new Date(Date.now() + 60_000));
    const runtime = await admin.getQueueRuntimeProperties("created");
    expect(runtime.activeMessageCount).toBe(2);
    expect(runtime.deadLetterMessageCount).toBe(1);
    expect(runtime.scheduledMessageCount).toBe(1);
    expect(runtime.totalMessageCount).toBe(4);
    await admin.deleteQueue("created");
    expect(await admin.queueExists("created")).toBe(false);
    const error = await client
      .createSender("created")
      .sendMessages({ body: "gone" })
      .catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe("MessagingEntityNotFound");
  });

  it("creates a topic and a subscription with a SQL rule, and routes by it", async () => {
    await admin.createTopic("orders-topic");
    await admin.createSubscription("orders-topic", "eu", { defaultRuleOptions: { name: "eu-only", filter: { sqlExpression: "region = 'eu'" } } });
    const rules: string[] = [];
    for await (const rule of admin.listRules("orders-topic", "eu")) rules.push(rule.name);
    expect(rules).toEqual(["eu-only"]);
    await client.createSender("orders-topic").sendMessages([
      { body: "eu", applicationProperties: { region: "eu" } },
      { body: "us", applicationProperties: { region: "us" } },
    ]);
    const received = await client.createReceiver("orders-topic", "eu", { receiveMode: "receiveAndDelete" }).receiveMessages(5, { maxWaitTimeInMs: 1000 });
    expect(received.map((m) => m.body)).toEqual(["eu"]);
    await admin.createRule("orders-topic", "eu", "us-too", { sqlExpression: "region = 'us'" });
    expect((await admin.getSubscriptionRuntimeProperties("orders-topic", "eu")).activeMessageCount).toBe(0);
    await admin.deleteSubscription("orders-topic", "eu");
    await admin.deleteTopic("orders-topic");
    expect(await admin.topicExists("orders-topic")).toBe(false);
  });

  it("keeps entities created at run time, and their messages, across a restart on the same data dir", async () => {
    await admin.createQueue("durable-created");
    await admin.createTopic("durable-topic");
    await admin.createSubscription("durable-topic", "all");
    await client.createSender("durable-created").sendMessages({ body: "kept" });
    await client.close();
    await emulator.close();
    await start();
    expect(await admin.queueExists("durable-created")).toBe(true);
    expect(await admin.subscriptionExists("durable-topic", "all")).toBe(true);
    const [message] = await client.createReceiver("durable-created").receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.body).toBe("kept");
  });

  it("updates a queue's properties in place", async () => {
    const queue = await admin.getQueue("existing");
    await admin.updateQueue({ ...queue, maxDeliveryCount: 1 });
    expect((await admin.getQueue("existing")).maxDeliveryCount).toBe(1);
    await client.createSender("existing").sendMessages({ body: "one try" });
    const receiver = client.createReceiver("existing");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    await receiver.abandonMessage(message!);
    const [deadLettered] = await client.createReceiver("existing", { subQueueType: "deadLetter" }).receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(deadLettered?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
  });
});
