import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isServiceBusError } from "@azure/service-bus";
import type { RuleProperties, ServiceBusClient } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { PARTITIONING_VARIANTS, startEmulatorWithClient, withPartitioning } from "../../helpers/emulator-fixture.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [],
        Topics: [
          {
            Name: "events",
            Subscriptions: [
              { Name: "all" },
              {
                Name: "billing",
                Rules: [{ Name: "orders", Properties: { FilterType: "Correlation", CorrelationFilter: { Properties: { eventType: "OrderSubmitted" } } } }],
              },
              {
                Name: "big-orders",
                Rules: [
                  {
                    Name: "big",
                    Properties: {
                      FilterType: "Sql",
                      SqlFilter: { SqlExpression: "amount > 100 AND currency = 'EUR'" },
                      Action: { SqlExpression: "SET priority = 'high'; SET sys.Label = 'big'" },
                    },
                  },
                ],
              },
              { Name: "support", Rules: [{ Name: "cases", Properties: { FilterType: "Sql", SqlFilter: { SqlExpression: "sys.Label LIKE 'case-%'" } } }] },
            ],
          },
        ],
      },
    ],
  },
});

async function drain(
  client: ServiceBusClient,
  topic: string,
  subscription: string,
): Promise<Array<{ body: unknown; subject?: string; applicationProperties?: Record<string, unknown> }>> {
  const receiver = client.createReceiver(topic, subscription, { receiveMode: "receiveAndDelete" });
  const messages = await receiver.receiveMessages(20, { maxWaitTimeInMs: 1000 });
  return messages.map((m) => ({ body: m.body, subject: m.subject, applicationProperties: m.applicationProperties }));
}

async function listRules(client: ServiceBusClient, topic: string, subscription: string): Promise<RuleProperties[]> {
  const rules: RuleProperties[] = [];
  for await (const rule of client.createRuleManager(topic, subscription).listRules()) rules.push(rule);
  return rules;
}

describe.each(PARTITIONING_VARIANTS)("emulator: topics, subscriptions and rules with the real SDK ($variant entities)", ({ enablePartitioning }) => {
  let client: ServiceBusClient;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, close } = await startEmulatorWithClient({ config: withPartitioning(config, enablePartitioning) }));
  });
  afterEach(async () => close());

  it("copies each message to every subscription whose rules match, applying SQL actions", async () => {
    const sender = client.createSender("events");
    await sender.sendMessages([
      { body: "order-small", applicationProperties: { eventType: "OrderSubmitted", amount: 50, currency: "EUR" } },
      { body: "order-big", applicationProperties: { eventType: "OrderSubmitted", amount: 500, currency: "EUR" } },
      { body: "case", subject: "case-17", applicationProperties: { eventType: "CaseSync" } },
    ]);
    expect((await drain(client, "events", "all")).map((m) => m.body)).toEqual(["order-small", "order-big", "case"]);
    expect((await drain(client, "events", "billing")).map((m) => m.body)).toEqual(["order-small", "order-big"]);
    const big = await drain(client, "events", "big-orders");
    expect(big).toHaveLength(1);
    expect(big[0]?.body).toBe("order-big");
    expect(big[0]?.subject).toBe("big");
    expect(big[0]?.applicationProperties).toMatchObject({ priority: "high", RuleName: "big", amount: 500 });
    expect((await drain(client, "events", "support")).map((m) => m.body)).toEqual(["case"]);
  });

  it("keeps properties modified by a settlement on one subscription out of the other subscriptions' copies", async () => {
    await client.createSender("events").sendMessages({ body: "shared", applicationProperties: { eventType: "OrderSubmitted", step: "sent" } });
    const billing = client.createReceiver("events", "billing");
    const [received] = await billing.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    if (!received) throw new Error("billing received nothing");
    await billing.abandonMessage(received, { step: "abandoned on billing" });
    const [again] = await billing.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(again?.applicationProperties?.["step"]).toBe("abandoned on billing");
    const [inAll] = await drain(client, "events", "all");
    expect(inAll?.applicationProperties).toEqual({ eventType: "OrderSubmitted", step: "sent" });
  });

  it("numbers each subscription's messages from 1, and keeps a dead-letter queue per subscription", async () => {
    await client.createSender("events").sendMessages([{ body: 1, applicationProperties: { eventType: "OrderSubmitted" } }, { body: 2 }]);
    const receiver = client.createReceiver("events", "billing");
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(message?.sequenceNumber?.toNumber()).toBe(1);
    await receiver.deadLetterMessage(message!, { deadLetterReason: "Test", deadLetterErrorDescription: "per subscription" });
    const [deadLettered] = await client.createReceiver("events", "billing", { subQueueType: "deadLetter" }).receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(deadLettered?.body).toBe(1);
    expect(await client.createReceiver("events", "all", { subQueueType: "deadLetter" }).peekMessages(5)).toHaveLength(0);
    expect((await client.createReceiver("events", "all").peekMessages(5)).map((m) => m.sequenceNumber?.toNumber())).toEqual([1, 2]);
  });

  it("adds, lists and removes rules at run time through the SDK's rule manager", async () => {
    const rules = client.createRuleManager("events", "all");
    expect((await listRules(client, "events", "all")).map((rule) => rule.name)).toEqual(["$Default"]);
    await rules.createRule("eu-only", { sqlExpression: "region = 'eu'" }, { sqlExpression: "SET routed = true" });
    await rules.createRule("by-correlation", { correlationId: "c-1", applicationProperties: { kind: "x" } });
    await rules.deleteRule("$Default");
    const listed = await listRules(client, "events", "all");
    // Listed by name, as Service Bus lists them.
    expect(listed.map((rule) => rule.name)).toEqual(["by-correlation", "eu-only"]);
    expect(listed[1]?.filter).toEqual({ sqlExpression: "region = 'eu'" });
    expect(listed[1]?.action).toEqual({ sqlExpression: "SET routed = true" });
    expect(listed[0]?.filter).toMatchObject({ correlationId: "c-1", applicationProperties: { kind: "x" } });

    await client.createSender("events").sendMessages([
      { body: "eu", applicationProperties: { region: "eu" } },
      { body: "us", applicationProperties: { region: "us" } },
      { body: "correlated", correlationId: "c-1", applicationProperties: { kind: "x" } },
    ]);
    const received = await drain(client, "events", "all");
    expect(received.map((m) => m.body)).toEqual(["eu", "correlated"]);
    expect(received[0]?.applicationProperties).toMatchObject({ routed: true, RuleName: "eu-only" });

    const duplicate = await rules.createRule("eu-only", { sqlExpression: "1=1" }).catch((caught: unknown) => caught);
    expect(isServiceBusError(duplicate) && duplicate.code).toBe("MessagingEntityAlreadyExists");
    const missing = await rules.deleteRule("nope").catch((caught: unknown) => caught);
    expect(isServiceBusError(missing) && missing.code).toBe("MessagingEntityNotFound");
    const badSql = await rules.createRule("bad", { sqlExpression: "amount >" }).catch((caught: unknown) => caught);
    expect(String((badSql as Error).message)).toMatch(/position \d+/);
  });

  it("holds scheduled topic messages until due, then fans them out", async () => {
    const sender = client.createSender("events");
    const [sequenceNumber] = await sender.scheduleMessages(
      { body: "later", applicationProperties: { eventType: "OrderSubmitted" } },
      new Date(Date.now() + 800),
    );
    expect(sequenceNumber?.toNumber()).toBeGreaterThan(0);
    expect(await client.createReceiver("events", "all").peekMessages(5)).toHaveLength(0);
    const [message] = await client.createReceiver("events", "billing").receiveMessages(1, { maxWaitTimeInMs: 4000 });
    expect(message?.body).toBe("later");
    const cancelled = await sender.scheduleMessages({ body: "never" }, new Date(Date.now() + 500));
    await sender.cancelScheduledMessages(cancelled);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await drain(client, "events", "all")).map((m) => m.body)).toEqual(["later"]);
  });

  it("refuses a receiver on the topic itself and a sender on a subscription", async () => {
    const receiveError = await client
      .createReceiver("events" as never)
      .receiveMessages(1, { maxWaitTimeInMs: 500 })
      .catch((caught: unknown) => caught);
    expect(isServiceBusError(receiveError)).toBe(true);
    const sendError = await client
      .createSender("events/Subscriptions/all")
      .sendMessages({ body: 1 })
      .catch((caught: unknown) => caught);
    expect(isServiceBusError(sendError)).toBe(true);
    expect(String((sendError as Error).message)).toMatch(/cannot be sent/);
  });
});

describe.each(PARTITIONING_VARIANTS)("emulator: duplicate detection with the real SDK ($variant entities)", ({ enablePartitioning }) => {
  it("accepts a repeated message id within the window but enqueues it once", async () => {
    const { client, close } = await startEmulatorWithClient({
      config: withPartitioning(
        parseEmulatorConfig({
          UserConfig: {
            Namespaces: [
              {
                Name: "sbemulatorns",
                Queues: [{ Name: "dedup", Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT20S" } }, { Name: "plain" }],
                Topics: [{ Name: "dedup-topic", Properties: { RequiresDuplicateDetection: true }, Subscriptions: [{ Name: "s" }] }],
              },
            ],
          },
        }),
        enablePartitioning,
      ),
    });
    try {
      for (const queue of ["dedup", "plain"]) {
        const sender = client.createSender(queue);
        await sender.sendMessages({ body: "first", messageId: "order-1-submit-v1" });
        await sender.sendMessages({ body: "retry", messageId: "order-1-submit-v1" });
        await sender.sendMessages([
          { body: "other", messageId: "order-2-submit-v1" },
          { body: "again", messageId: "order-2-submit-v1" },
        ]);
      }
      expect((await client.createReceiver("dedup").peekMessages(10)).map((m) => m.body)).toEqual(["first", "other"]);
      expect((await client.createReceiver("plain").peekMessages(10)).map((m) => m.body)).toEqual(["first", "retry", "other", "again"]);
      const topicSender = client.createSender("dedup-topic");
      await topicSender.sendMessages({ body: "event", messageId: "e-1" });
      await topicSender.sendMessages({ body: "event again", messageId: "e-1" });
      expect((await client.createReceiver("dedup-topic", "s").peekMessages(10)).map((m) => m.body)).toEqual(["event"]);
    } finally {
      await close();
    }
  });

  it("accepts the same id again once the window has passed", async () => {
    let now = Date.now();
    const { client, close } = await startEmulatorWithClient({
      clock: { now: () => now },
      config: withPartitioning(
        parseEmulatorConfig({
          UserConfig: {
            Namespaces: [
              {
                Name: "sbemulatorns",
                Queues: [{ Name: "dedup", Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT20S" } }],
              },
            ],
          },
        }),
        enablePartitioning,
      ),
    });
    try {
      const sender = client.createSender("dedup");
      await sender.sendMessages({ body: "first", messageId: "m-1" });
      now += 19_000;
      await sender.sendMessages({ body: "inside window", messageId: "m-1" });
      now += 2_000;
      await sender.sendMessages({ body: "after window", messageId: "m-1" });
      expect((await client.createReceiver("dedup").peekMessages(10)).map((m) => m.body)).toEqual(["first", "after window"]);
    } finally {
      await close();
    }
  });

  it("remembers message ids across a restart on the same data dir", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "emulator-dedup-"));
    const dedupConfig = withPartitioning(
      parseEmulatorConfig({
        UserConfig: {
          Namespaces: [
            {
              Name: "sbemulatorns",
              Queues: [{ Name: "dedup", Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" } }],
            },
          ],
        },
      }),
      enablePartitioning,
    );
    try {
      const first = await startEmulatorWithClient({ config: dedupConfig, dataDir });
      await first.client.createSender("dedup").sendMessages({ body: "before restart", messageId: "once" });
      await first.close();
      const second = await startEmulatorWithClient({ config: dedupConfig, dataDir });
      try {
        await second.client.createSender("dedup").sendMessages({ body: "after restart", messageId: "once" });
        expect((await second.client.createReceiver("dedup").peekMessages(10)).map((m) => m.body)).toEqual(["before restart"]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
