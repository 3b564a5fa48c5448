import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";

const order = { orderId: "O-1001", accountId: "ACC-7", amount: 250, currency: "EUR" };

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [
          { Name: "orders", Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" } },
          { Name: "cases", Properties: { RequiresSession: true } },
        ],
        Topics: [
          {
            Name: "order-events",
            Subscriptions: [
              {
                Name: "billing",
                Rules: [{ Name: "orders", Properties: { FilterType: "Correlation", CorrelationFilter: { Properties: { eventType: "OrderSubmitted" } } } }],
              },
            ],
          },
        ],
      },
    ],
  },
});

describe("API: typed business events against the emulator", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(config, { entities: { queues: ["orders", "cases"], topics: [{ name: "order-events", subscriptions: ["billing"] }] } });
  });
  afterEach(async () => fixture.close());

  it("sends an OrderSubmitted event with the envelope built by the API, and receives it typed", async () => {
    const sent = await fixture.api.request("POST", "/entities/orders/events/OrderSubmitted", {
      body: order,
      headers: { "x-ms-workflow-run-id": "08585-flow-run-1" },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ messageId: "order-O-1001-submit-v1", correlationId: "08585-flow-run-1", eventType: "OrderSubmitted", schemaVersion: 1 });

    const received = await fixture.api.request("POST", "/queues/orders/receive?maxMessages=1&maxWaitSeconds=3");
    const [message] = messagesOf(received.body);
    expect(message).toMatchObject({
      messageId: "order-O-1001-submit-v1",
      correlationId: "08585-flow-run-1",
      contentType: "application/json",
      subject: "OrderSubmitted",
      applicationProperties: { eventType: "OrderSubmitted", schemaVersion: 1 },
      event: {
        eventType: "OrderSubmitted",
        schemaVersion: 1,
        messageId: "order-O-1001-submit-v1",
        correlationId: "08585-flow-run-1",
        source: "service-bus-bridge",
        data: order,
      },
    });
    expect(message?.contractErrors).toBeUndefined();
    expect((message?.event as { occurredUtc?: string } | undefined)?.occurredUtc).toMatch(/Z$/);
  });

  it("lets duplicate detection drop a retried send, because the message id is stable", async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await fixture.api.request("POST", "/entities/orders/events/OrderSubmitted", { body: order })).status).toBe(201);
    }
    const peeked = messagesOf((await fixture.api.request("GET", "/queues/orders/peek?maxMessages=10")).body);
    expect(peeked).toHaveLength(1);
  });

  it("routes events on a topic by the eventType application property", async () => {
    await fixture.api.request("POST", "/entities/order-events/events/OrderSubmitted", { body: order });
    const [message] = messagesOf((await fixture.api.request("GET", "/topics/order-events/subscriptions/billing/peek")).body);
    expect(message?.event).toMatchObject({ eventType: "OrderSubmitted", data: order });
  });

  it("sends CaseSync events in the case's session", async () => {
    const sent = await fixture.api.request("POST", "/entities/cases/events/CaseSync", {
      body: { caseId: "C-42", revision: 3, payloadReference: "https://storage.example/cases/C-42/3.json" },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ messageId: "case-C-42-rev-3", sessionId: "C-42" });
    const [message] = messagesOf((await fixture.api.request("GET", "/queues/cases/peek")).body);
    expect(message?.sessionId).toBe("C-42");
  });

  it("refuses data that breaks the contract with per-field errors", async () => {
    const refused = await fixture.api.request("POST", "/entities/orders/events/OrderSubmitted", {
      body: { orderId: "O-1", amount: -5, currency: "euro", note: "x" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: "ValidationFailed" });
    const fields = (refused.body as { errors: { body: Array<{ field: string }> } }).errors.body.map((error) => error.field).sort();
    expect(fields).toEqual(["/accountId", "/amount", "/currency", "/note"]);
  });

  it("refuses an event type that may not be sent to the entity, and an unknown event type", async () => {
    const wrongEntity = await fixture.api.request("POST", "/entities/cases/events/OrderSubmitted", { body: order });
    expect(wrongEntity.status).toBe(400);
    expect(JSON.stringify(wrongEntity.body)).toMatch(/may not be sent to 'cases'/);
    const unknown = await fixture.api.request("POST", "/entities/orders/events/InvoicePaid", { body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "EventTypeNotFound" });
    const badVersion = await fixture.api.request("POST", "/entities/orders/events/OrderSubmitted?schemaVersion=9", { body: order });
    expect(badVersion.status).toBe(404);
  });

  it("flags a received event that breaks its contract instead of hiding it", async () => {
    await fixture.api.request("POST", "/entities/orders/messages", {
      body: {
        body: {
          eventType: "OrderSubmitted",
          schemaVersion: 1,
          messageId: "m",
          correlationId: "c",
          source: "legacy",
          occurredUtc: "2026-01-01T00:00:00Z",
          data: { orderId: "O-9" },
        },
      },
    });
    const [message] = messagesOf((await fixture.api.request("GET", "/queues/orders/peek")).body);
    expect(message?.event).toMatchObject({ eventType: "OrderSubmitted", data: { orderId: "O-9" } });
    expect((message?.contractErrors as Array<{ field: string }>).map((error) => error.field).sort()).toEqual([
      "/data/accountId",
      "/data/amount",
      "/data/currency",
    ]);
  });

  it("lists event types and serves their schemas for the connector", async () => {
    const all = await fixture.api.request("GET", "/event-types");
    expect((all.body as { eventTypes: Array<{ eventType: string }> }).eventTypes.map((each) => each.eventType)).toEqual(["CaseSync", "OrderSubmitted"]);
    const forOrders = await fixture.api.request("GET", "/event-types?entity=orders");
    expect((forOrders.body as { eventTypes: Array<{ eventType: string }> }).eventTypes.map((each) => each.eventType)).toEqual(["OrderSubmitted"]);
    const schema = await fixture.api.request("GET", "/event-types/OrderSubmitted/schema");
    expect(schema.status).toBe(200);
    expect(schema.body).toMatchObject({
      eventType: "OrderSubmitted",
      schemaVersion: 1,
      schema: { type: "object", required: ["orderId", "accountId", "amount", "currency"] },
    });
  });
});
