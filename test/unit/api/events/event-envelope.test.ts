import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadEventCatalog } from "../../../../api/src/events/event-catalog.js";
import { buildEventMessage, parseEventEnvelope } from "../../../../api/src/events/event-envelope.js";
import type { EventSendContext } from "../../../../api/src/events/event-envelope.js";
import type { EventTypeDefinition } from "../../../../api/src/events/event-type.js";

const catalog = loadEventCatalog(path.resolve("api/event-catalog"));
const orderSubmitted = catalog.find("OrderSubmitted") as EventTypeDefinition;
const caseSync = catalog.find("CaseSync") as EventTypeDefinition;
const order = { orderId: "o-17", accountId: "a-3", amount: 99.5, currency: "EUR" };

const context = (overrides: Partial<EventSendContext> = {}): EventSendContext => ({
  flowRunId: undefined,
  correlationId: undefined,
  occurredUtc: undefined,
  source: "power-automate",
  now: new Date("2026-11-26T10:00:00.000Z"),
  newId: () => "generated-id",
  ...overrides,
});

describe("building an event message", () => {
  it("builds the seed's envelope with a stable message id and routable application properties", () => {
    const result = buildEventMessage(catalog, orderSubmitted, order, context());
    expect(result).toEqual({
      ok: true,
      envelope: {
        messageId: "order-o-17-submit-v1",
        correlationId: "generated-id",
        eventType: "OrderSubmitted",
        source: "power-automate",
        occurredUtc: "2026-11-26T10:00:00.000Z",
        schemaVersion: 1,
        data: order,
      },
      message: {
        body: expect.objectContaining({ messageId: "order-o-17-submit-v1", data: order }),
        contentType: "application/json",
        messageId: "order-o-17-submit-v1",
        correlationId: "generated-id",
        subject: "OrderSubmitted",
        applicationProperties: { eventType: "OrderSubmitted", schemaVersion: 1 },
      },
    });
  });

  it("gives a retried send the same message id", () => {
    const first = buildEventMessage(catalog, orderSubmitted, order, context({ newId: () => "one" }));
    const retry = buildEventMessage(catalog, orderSubmitted, { ...order }, context({ newId: () => "two" }));
    expect(first.ok && retry.ok && first.message.messageId === retry.message.messageId).toBe(true);
  });

  it("takes the correlation id from the flow run first, then from the caller, then a new one", () => {
    const both = buildEventMessage(catalog, orderSubmitted, order, context({ flowRunId: "run-1", correlationId: "caller" }));
    const caller = buildEventMessage(catalog, orderSubmitted, order, context({ correlationId: "caller" }));
    expect(both.ok && both.envelope.correlationId).toBe("run-1");
    expect(caller.ok && caller.envelope.correlationId).toBe("caller");
  });

  it("sets the session id from the type's template", () => {
    const result = buildEventMessage(catalog, caseSync, { caseId: "c-9", revision: 4, payloadReference: "https://files.example/cases/c-9/4" }, context());
    expect(result.ok && result.message.sessionId).toBe("c-9");
    expect(result.ok && result.message.messageId).toBe("case-c-9-rev-4");
  });

  it("refuses data that breaks the contract, with per-field errors", () => {
    const result = buildEventMessage(catalog, orderSubmitted, { orderId: "o-1", amount: "ten" }, context());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.field).sort()).toEqual(["/accountId", "/amount", "/currency"]);
  });

  it("refuses fields that look like secrets, at any depth, unless the type allows them", () => {
    const schemaless = { ...caseSync, dataSchema: { type: "object" }, messageIdTemplate: "case-{caseId}", sessionIdTemplate: undefined };
    const looseCatalog = { validateData: () => [] } as unknown as typeof catalog;
    const data = { caseId: "c", customer: { apiKey: "abc", contacts: [{ Password: "x" }] }, connection_string: "Endpoint=..." };
    const refused = buildEventMessage(looseCatalog, schemaless, data, context());
    expect(!refused.ok && refused.errors.map((error) => error.field)).toEqual(["/customer/apiKey", "/customer/contacts/0/Password", "/connection_string"]);
    expect(!refused.ok && refused.errors[0]?.message).toMatch(/never put secrets in messages/);
    const allowed = buildEventMessage(
      looseCatalog,
      { ...schemaless, allowedSensitiveFields: ["password", "/customer/apiKey", "connectionString"] },
      data,
      context(),
    );
    expect(allowed.ok).toBe(true);
  });
});

describe("reading a received event", () => {
  const envelope = {
    messageId: "m",
    correlationId: "c",
    eventType: "OrderSubmitted",
    source: "s",
    occurredUtc: "2026-01-01T00:00:00.000Z",
    schemaVersion: 1,
    data: order,
  };

  it("returns the typed event of a known type", () => {
    expect(parseEventEnvelope(catalog, envelope)).toEqual({ event: envelope });
  });

  it("flags, but still returns, an event that breaks its contract", () => {
    const parsed = parseEventEnvelope(catalog, { ...envelope, data: { orderId: "o" } });
    expect(parsed?.event.data).toEqual({ orderId: "o" });
    expect(parsed?.contractErrors?.map((error) => error.field)).toEqual(expect.arrayContaining(["/data/accountId", "/data/amount"]));
  });

  it("flags an unknown version of a known type", () => {
    expect(parseEventEnvelope(catalog, { ...envelope, schemaVersion: 7 })?.contractErrors).toEqual([
      { field: "/schemaVersion", message: "OrderSubmitted has no version 7 in the catalog" },
    ]);
  });

  it("leaves other messages alone", () => {
    expect(parseEventEnvelope(catalog, { ...envelope, eventType: "Unknown" })).toBeUndefined();
    expect(parseEventEnvelope(catalog, "text")).toBeUndefined();
    expect(parseEventEnvelope(catalog, { eventType: "OrderSubmitted" })).toBeUndefined();
  });
});
