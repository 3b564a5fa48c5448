/**
 * Issue 5's "done when": the committed connector files, played by a stand-in for Power Automate
 * (power-automate-platform.ts), run a maker's flows against the API on the emulator.
 */
import { Ajv } from "ajv";
import formatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonSchema } from "../../connector/schema.js";
import { isObject } from "../../connector/schema.js";
import { checkConnectorRules } from "../../connector/validate/rules.js";
import { operationsOf, parametersOf } from "../../connector/validate/walk.js";
import { parseEmulatorConfig } from "../../emulator/src/config/emulator-config.js";
import { TEST_KEYS, startApiFixture } from "../helpers/api-fixture.js";
import type { ApiFixture } from "../helpers/api-fixture.js";
import { startApiProcess } from "../helpers/api-process.js";
import type { ApiProcess } from "../helpers/api-process.js";
import { temporaryDirectory } from "../helpers/emulator-process.js";
import { startCallbackServer } from "../helpers/callback-server.js";
import type { CallbackServer } from "../helpers/callback-server.js";
import { until } from "../helpers/until.js";
import { committedFiles } from "./connector-fixture.js";
import { PowerAutomatePlatform } from "./power-automate-platform.js";

type Message = Record<string, any>;

const order = { orderId: "O-2001", accountId: "ACC-9", amount: 99.5, currency: "EUR" };
const run = { workflowRunId: "08584-run-0001", clientTrackingId: "08584-tracking-0001" };

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [{ Name: "orders", Properties: { MaxDeliveryCount: 5 } }],
        Topics: [{ Name: "order-events", Subscriptions: [{ Name: "billing" }] }],
      },
    ],
  },
});

function dataAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  formatsModule.default(ajv);
  return ajv;
}

describe("Power Automate flows against the committed connector", () => {
  let fixture: ApiFixture;
  let platform: PowerAutomatePlatform;
  const files = committedFiles();

  beforeAll(async () => {
    fixture = await startApiFixture(config, { entities: { queues: ["orders"], topics: [{ name: "order-events", subscriptions: ["billing"] }] } });
    platform = new PowerAutomatePlatform(files.apiDefinition, files.apiProperties, { baseUrl: fixture.api.baseUrl, api_key: TEST_KEYS.admin }, run);
  });
  afterAll(async () => fixture.close());

  it("passes every certification rule (each rule's broken definition is caught in connector-rules.test.ts)", () => {
    expect(checkConnectorRules(files)).toEqual([]);
  });

  it("never asks the maker for the flow-run headers or the trigger state", () => {
    for (const { operation } of operationsOf(files.apiDefinition)) {
      const names = parametersOf(operation).map((parameter) => String(parameter["name"]));
      expect(names.filter((name) => /^x-ms-/i.test(name) || name === "triggerState")).toEqual([]);
    }
  });

  it("send an OrderSubmitted event -> the peek-lock trigger fires with the typed event -> complete it", async () => {
    // Before anything is sent, the trigger check answers 202 with where and when to poll next.
    const idle = await platform.pollTrigger("WhenMessagesArriveInQueue", { queue: "orders", eventType: "OrderSubmitted" });
    expect(idle.items).toEqual([]);
    expect(idle.polls[0]?.status).toBe(202);
    expect(Number(idle.polls[0]?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(new URL(idle.next).pathname).toBe("/queues/orders/triggers/peek-lock");
    expect(new URL(idle.next).searchParams.get("triggerState")).toBe("0");

    // The maker picks the queue and the event type from dropdowns, and fills in the typed body.
    expect((await platform.dropdown("SendEvent", "entity")).map((item) => item.value)).toContain("orders");
    expect((await platform.dropdown("SendEvent", "eventType", { entity: "orders" })).map((item) => item.value)).toEqual(["OrderSubmitted"]);
    const sendBody = parametersOf(platform.operation("SendEvent").operation).find((parameter) => parameter["in"] === "body")?.["schema"] as JsonSchema;
    const bodySchema = await platform.dynamicSchema(sendBody, { entity: "orders", eventType: "OrderSubmitted" });
    expect(dataAjv().validate(bodySchema, order)).toBe(true);

    const sent = await platform.invoke("SendEvent", { entity: "orders", eventType: "OrderSubmitted", body: order });
    expect(sent.status).toBe(201);
    // The correlation id is the flow run's, from the header the platform adds itself.
    expect(sent.body).toMatchObject({ messageId: "order-O-2001-submit-v1", correlationId: run.workflowRunId });

    // The engine polls the Location it was given; the trigger fires with one item per message.
    const fired = await platform.pollTrigger("WhenMessagesArriveInQueue", { queue: "orders", eventType: "OrderSubmitted" }, { from: idle.next, maxPolls: 5 });
    expect(fired.polls.at(-1)?.status).toBe(200);
    expect(fired.items).toHaveLength(1);
    const message = fired.items[0] as Message;
    expect(message["lockToken"]).toEqual(expect.any(String));
    expect(message["event"]).toMatchObject({ eventType: "OrderSubmitted", schemaVersion: 1, correlationId: run.workflowRunId, data: order });
    expect(message["contractErrors"]).toBeUndefined();
    expect(new URL(fired.next).searchParams.get("triggerState")).toBe(message["sequenceNumber"]);

    // The trigger's typed output: event.data follows the schema of the chosen event type.
    const itemSchema = (platform.operation("WhenMessagesArriveInQueue").operation["responses"] as any)["200"]["schema"]["items"];
    const dataSchema = await platform.dynamicSchema(itemSchema["properties"]["event"]["properties"]["data"], { queue: "orders", eventType: "OrderSubmitted" });
    expect(dataAjv().validate(dataSchema, message["event"]["data"])).toBe(true);

    expect((await platform.invoke("CompleteMessageInQueue", { queue: "orders", lockToken: message["lockToken"] })).status).toBe(204);
    const after = await platform.invoke("PeekMessagesInQueue", { queue: "orders" });
    expect((after.body as { messages: unknown[] }).messages).toEqual([]);
  });

  it("a poison message -> dead-letter -> peek the dead-letter queue -> resubmit", async () => {
    const sent = await platform.invoke("SendMessage", { entity: "orders", body: { body: { orderId: "O-BAD" }, messageId: "poison-1" } });
    expect(sent.status).toBe(201);

    const fired = await platform.pollTrigger("WhenMessagesArriveInQueue", { queue: "orders", eventType: "OrderSubmitted" }, { maxPolls: 5 });
    const poison = fired.items[0] as Message;
    expect(poison["messageId"]).toBe("poison-1");
    // Not an event of the expected type: flagged, never hidden.
    expect(poison["contractErrors"]).toEqual([{ field: "", message: "is not a business event; this trigger expects OrderSubmitted" }]);

    const deadLettered = await platform.invoke("DeadLetterMessageInQueue", {
      queue: "orders",
      lockToken: poison["lockToken"],
      body: { deadLetterReason: "NotAnOrder", deadLetterErrorDescription: "The body is not an OrderSubmitted event." },
    });
    expect(deadLettered.status).toBe(204);

    const peeked = await platform.invoke("PeekMessagesInQueue", { queue: "orders", subQueue: "deadLetter" });
    const [inDeadLetter] = (peeked.body as { messages: Message[] }).messages;
    expect(inDeadLetter).toMatchObject({ messageId: "poison-1", deadLetterReason: "NotAnOrder" });

    const resubmitted = await platform.invoke("ResubmitDeadLettersInQueue", { queue: "orders", body: { sequenceNumbers: [inDeadLetter?.["sequenceNumber"]] } });
    expect(resubmitted.status).toBe(200);
    const copyId = `poison-1/resubmit/${String(inDeadLetter?.["sequenceNumber"])}`;
    expect(resubmitted.body).toMatchObject({
      resubmitted: [{ sequenceNumber: inDeadLetter?.["sequenceNumber"], messageId: copyId, originalMessageId: "poison-1" }],
      notFound: [],
    });
    expect((await platform.invoke("PeekMessagesInQueue", { queue: "orders", subQueue: "deadLetter" })).body).toEqual({ messages: [] });

    // Back in the queue: the trigger fires again; this time the flow completes it.
    const again = await platform.pollTrigger("WhenMessagesArriveInQueue", { queue: "orders" }, { maxPolls: 5 });
    expect(again.items).toHaveLength(1);
    expect((again.items[0] as Message)["messageId"]).toBe(copyId);
    expect((again.items[0] as Message)["applicationProperties"]).toEqual({ OriginalMessageId: "poison-1" });
    expect((await platform.invoke("CompleteMessageInQueue", { queue: "orders", lockToken: (again.items[0] as Message)["lockToken"] })).status).toBe(204);
  });

  it("the auto-complete subscription trigger removes what it returns (at most once)", async () => {
    expect(
      (await platform.dropdown("WhenMessagesArriveInSubscriptionAutoComplete", "subscription", { topic: "order-events" })).map((item) => item.value),
    ).toEqual(["billing"]);
    expect((await platform.dropdown("WhenMessagesArriveInSubscriptionAutoComplete", "eventType", { topic: "order-events" })).map((item) => item.value)).toEqual(
      ["OrderSubmitted"],
    );
    await platform.invoke("SendEvent", { entity: "order-events", eventType: "OrderSubmitted", body: { ...order, orderId: "O-2002" } });

    const inputs = { topic: "order-events", subscription: "billing", eventType: "OrderSubmitted" };
    const fired = await platform.pollTrigger("WhenMessagesArriveInSubscriptionAutoComplete", inputs, { maxPolls: 5 });
    expect(fired.items).toHaveLength(1);
    const message = fired.items[0] as Message;
    expect(message["lockToken"]).toBeUndefined();
    expect(message["event"]).toMatchObject({ eventType: "OrderSubmitted", data: { orderId: "O-2002" } });

    const next = await platform.pollTrigger("WhenMessagesArriveInSubscriptionAutoComplete", inputs, { from: fired.next });
    expect(next.polls[0]?.status).toBe(202);
    expect(new URL(next.next).searchParams.get("triggerState")).toBe(message["sequenceNumber"]);
  });

  it("receive a batch -> Select its lock tokens -> complete them all in one action", async () => {
    const messages = Array.from({ length: 5 }, (_, n) => ({ body: { orderId: `O-30${n}` } }));
    expect((await platform.invoke("SendMessages", { entity: "orders", body: { messages } })).status).toBe(201);
    const received: Message[] = [];
    for (let attempt = 0; attempt < 5 && received.length < messages.length; attempt++) {
      const response = await platform.invoke("ReceiveMessagesFromQueue", {
        queue: "orders",
        maxMessages: messages.length - received.length,
        maxWaitSeconds: 3,
      });
      received.push(...(response.body as { messages: Message[] }).messages);
    }
    expect(received).toHaveLength(messages.length);

    // Select: from the receive's messages, map lockToken.
    const lockTokens = received.map((message) => message["lockToken"] as string);
    const completed = await platform.invoke("CompleteMessagesInQueue", { queue: "orders", body: { lockTokens } });
    expect(completed.status).toBe(200);
    expect(completed.body).toEqual({ completedLockTokens: lockTokens, failed: [] });
    expect((await platform.invoke("PeekMessagesInQueue", { queue: "orders" })).body).toEqual({ messages: [] });

    // Run again (say, a retried action): each token is reported with the problem the single action gives.
    const again = await platform.invoke("CompleteMessagesInQueue", { queue: "orders", body: { lockTokens: lockTokens.slice(0, 1) } });
    expect(again.body).toMatchObject({ completedLockTokens: [], failed: [{ lockToken: lockTokens[0], code: "MessageLockLost", status: 410 }] });
  });

  it("every dropdown operation returns what its x-ms-dynamic-values paths point at", async () => {
    const sampleInputs = { entity: "orders", queue: "orders", topic: "order-events" };
    const checked = new Set<string>();
    for (const { operation } of operationsOf(files.apiDefinition)) {
      for (const parameter of parametersOf(operation)) {
        const dynamic = parameter["x-ms-dynamic-values"];
        if (!isObject(dynamic)) continue;
        const key = JSON.stringify(dynamic);
        if (checked.has(key)) continue;
        checked.add(key);
        const items = await platform.dropdown(String(operation["operationId"]), String(parameter["name"]), sampleInputs);
        expect(items.length, `${String(operation["operationId"])}.${String(parameter["name"])} dropdown`).toBeGreaterThan(0);
        for (const item of items) {
          expect(item.value, key).toEqual(expect.any(String));
          expect(item.title, key).toEqual(expect.any(String));
        }
      }
    }
    // Entities, queues, topics, subscriptions, event types (per send entity, per queue and per topic).
    expect(checked.size).toBeGreaterThanOrEqual(7);
  });

  it("every x-ms-dynamic-schema resolves to a JSON Schema for each event type of the dropdown", async () => {
    const eventTypes = (await platform.dropdown("SendEvent", "eventType", {})).map((item) => String(item.value));
    expect(eventTypes).toEqual(["CaseSync", "OrderSubmitted"]);
    for (const eventType of eventTypes) {
      const sendBody = parametersOf(platform.operation("SendEvent").operation).find((parameter) => parameter["in"] === "body")?.["schema"] as JsonSchema;
      const schema = await platform.dynamicSchema(sendBody, { eventType });
      expect(schema["type"]).toBe("object");
      expect(() => dataAjv().compile(schema)).not.toThrow();
    }
  });
});

/**
 * The instant trigger as the platform runs it, from the committed files only. Webhooks need the API's dispatcher
 * and callback key, so this flow runs against the API process in demo mode (`npm start`), whose embedded
 * emulator has the demo entities and which allows http callbacks to loopback.
 */
describe("Power Automate's instant (webhook) trigger against the committed connector", () => {
  const files = committedFiles();
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let api: ApiProcess;
  let callback: CallbackServer;
  let platform: PowerAutomatePlatform;

  beforeAll(async () => {
    callback = await startCallbackServer((_request, response) => response.writeHead(202).end());
    dir = await temporaryDirectory("sb-flows-webhook-");
    api = await startApiProcess({ DATA_DIR: dir.path }, 60_000);
    platform = new PowerAutomatePlatform(files.apiDefinition, files.apiProperties, { baseUrl: api.baseUrl, api_key: api.demoKey ?? "" }, run);
  }, 90_000);
  afterAll(async () => {
    await api?.kill("SIGTERM");
    await callback?.close();
    await dir?.remove();
  });

  it("flow turned on -> subscribe with the callback URL -> a push per message -> flow turned off -> DELETE at Location without a key -> no more pushes", async () => {
    // The trigger a maker picks: the queue's instant trigger, a webhook trigger with a single run per message.
    const trigger = operationsOf(files.apiDefinition).find(
      (entry) => entry.operation["x-ms-trigger"] === "single" && entry.method === "post" && entry.path === "/queues/{queue}/webhooks",
    );
    expect(trigger?.operation["operationId"]).toBe("WhenMessageArrivesInQueueInstant");
    const operationId = String(trigger?.operation["operationId"]);

    // Flow saved and on: the platform subscribes with its callback URL (which carries the flow's signature).
    const flowPath = "/workflows/flow-1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=flow-signature";
    const subscribed = await platform.subscribeWebhook(operationId, { queue: "orders", eventType: "OrderSubmitted" }, callback.url(flowPath));
    expect(subscribed.status).toBe(201);
    const location = subscribed.headers.get("location") ?? "";
    expect(new URL(location).origin).toBe(api.baseUrl);
    // The Location carries an unguessable capability, never a counter: the DELETE needs nothing else.
    expect(new URL(location).pathname).toMatch(/^\/queues\/orders\/webhooks\/[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(subscribed.body)).not.toContain("flow-signature");

    // A message arrives: it is pushed to the callback, typed as the trigger's notification content says.
    expect((await platform.invoke("SendEvent", { entity: "orders", eventType: "OrderSubmitted", body: order })).status).toBe(201);
    await until(() => callback.received.length === 1, 20_000, 100);
    const [push] = callback.received;
    expect(push?.method).toBe("POST");
    expect(push?.url).toBe(flowPath);
    const pushed = JSON.parse(push?.body ?? "{}") as Message;
    platform.checkNotification(operationId, pushed);
    expect(pushed["event"]).toMatchObject({ eventType: "OrderSubmitted", data: order });
    expect(pushed["contractErrors"]).toBeUndefined();
    // Accepted (202): completed, the queue is empty.
    await until(
      async () => ((await platform.invoke("PeekMessagesInQueue", { queue: "orders" })).body as { messages: unknown[] }).messages.length === 0,
      20_000,
      100,
    );

    // Flow turned off: the platform DELETEs the Location, possibly without the API key.
    expect((await platform.unsubscribeWebhook(location)).status).toBe(204);
    // Nothing more is pushed; the next message stays in the queue for another reader.
    expect((await platform.invoke("SendEvent", { entity: "orders", eventType: "OrderSubmitted", body: { ...order, orderId: "O-2003" } })).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(callback.received).toHaveLength(1);
    const left = (await platform.invoke("PeekMessagesInQueue", { queue: "orders" })).body as { messages: Message[] };
    expect(left.messages.map((message) => message["event"]?.["data"]?.["orderId"])).toEqual(["O-2003"]);
  }, 60_000);
});
