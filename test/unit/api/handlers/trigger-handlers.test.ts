import { describe, expect, it } from "vitest";
import { triggerOperations } from "../../../../api/src/contract/registry.js";
import type { ReceivedMessageJson } from "../../../../api/src/contract/schemas/message.js";
import { EventCatalog } from "../../../../api/src/events/event-catalog.js";
import { nextPollUrl, triggerBindings } from "../../../../api/src/handlers/trigger-handlers.js";
import type { HandlerInput } from "../../../../api/src/http/operation-binding.js";
import type { OperationRequest } from "../../../../api/src/contract/operation.js";
import { silentLogger } from "../../../../api/src/logger.js";
import { FakeMessaging } from "../fake-messaging.js";

const message = (sequenceNumber: string): ReceivedMessageJson => ({ body: "x", bodyEncoding: "text", sequenceNumber, deliveryCount: 1, state: "active" });

function input(query: Record<string, unknown>): HandlerInput<OperationRequest> {
  return {
    params: {} as never,
    query: query as never,
    headers: {} as never,
    body: undefined,
    apiKey: { name: "k", sha256: "", scopes: ["listen"], entities: ["*"] },
    entity: { kind: "queue", queue: "orders" },
    requestUrl: new URL("http://bridge.example/queues/orders/triggers/peek-lock?maxMessages=2&triggerState=4"),
    log: silentLogger(),
  };
}

function setUp(messages: ReceivedMessageJson[]) {
  const messaging = new FakeMessaging();
  messaging.messages = messages;
  const bindings = triggerBindings(triggerOperations, { messaging, catalog: new EventCatalog([]), receiveWaitInMs: 10, idleRetryAfterSeconds: 15 });
  const byId = (id: string) => bindings.find((binding) => binding.operation.operationId === id);
  return { messaging, byId };
}

describe("trigger handlers", () => {
  it("answers pending with the same URL and state, and the idle Retry-After, when nothing is waiting", async () => {
    const { byId } = setUp([]);
    const result = await byId("WhenMessagesArriveInQueue")?.handle(input({ maxMessages: 2, triggerState: "4" }));
    expect(result).toEqual({
      pending: true,
      headers: { Location: "http://bridge.example/queues/orders/triggers/peek-lock?maxMessages=2&triggerState=4", "Retry-After": "15" },
    });
  });

  it("fires with the messages, moves the state to the last sequence number, and asks for an immediate poll after a full batch", async () => {
    const { byId, messaging } = setUp([message("5"), message("6")]);
    const result = await byId("WhenMessagesArriveInQueueAutoComplete")?.handle(input({ maxMessages: 2 }));
    expect(result?.body).toHaveLength(2);
    expect(result?.headers).toEqual({ Location: "http://bridge.example/queues/orders/triggers/peek-lock?maxMessages=2&triggerState=6", "Retry-After": "0" });
    expect(messaging.calls[0]?.args[1]).toEqual({ maxMessages: 2, maxWaitTimeInMs: 10, receiveMode: "receiveAndDelete" });
  });

  it("receives peek-locked for the peek-lock variants", async () => {
    const { byId, messaging } = setUp([message("1")]);
    await byId("WhenMessagesArriveInQueue")?.handle(input({ maxMessages: 20 }));
    expect(messaging.calls[0]?.args[1]).toMatchObject({ receiveMode: "peekLock" });
  });

  it("receives with the receive mode the trigger declares, whatever its operationId", async () => {
    const messaging = new FakeMessaging();
    messaging.messages = [message("1")];
    const renamed = { ...triggerOperations, queueAutoComplete: { ...triggerOperations.queueAutoComplete, operationId: "WhenTelemetryArrives" } };
    const bindings = triggerBindings(renamed, { messaging, catalog: new EventCatalog([]), receiveWaitInMs: 10, idleRetryAfterSeconds: 15 });
    await bindings.find((binding) => binding.operation.operationId === "WhenTelemetryArrives")?.handle(input({ maxMessages: 1 }));
    expect(messaging.calls[0]?.args[1]).toMatchObject({ receiveMode: "receiveAndDelete" });
  });

  it("refuses an unknown event type with EventTypeNotFound", async () => {
    const { byId } = setUp([]);
    await expect(byId("WhenMessagesArriveInQueue")?.handle(input({ maxMessages: 1, eventType: "Nope" }))).rejects.toMatchObject({ code: "EventTypeNotFound" });
  });

  it("nextPollUrl replaces the trigger state and keeps the other declared parameters", () => {
    const declaredQuery = ["eventType", "maxMessages", "triggerState"];
    expect(nextPollUrl(new URL("https://h/q/triggers/peek-lock?eventType=A&triggerState=1"), "9", { declaredQuery })).toBe(
      "https://h/q/triggers/peek-lock?eventType=A&triggerState=9",
    );
  });

  it("nextPollUrl drops parameters the operation does not declare", () => {
    const url = new URL("https://h/q/triggers/peek-lock?evil=https%3A%2F%2Fx&maxMessages=3&eventType=A&__proto__=1&triggerState=1&triggerState=2");
    expect(nextPollUrl(url, "9", { declaredQuery: ["eventType", "maxMessages", "triggerState"] })).toBe(
      "https://h/q/triggers/peek-lock?maxMessages=3&eventType=A&triggerState=9",
    );
  });

  it("nextPollUrl uses the public base URL, with its path prefix, instead of the request's origin", () => {
    const url = new URL("http://attacker.example:8080/queues/orders/triggers/peek-lock?maxMessages=3");
    const declaredQuery = ["maxMessages", "triggerState"];
    expect(nextPollUrl(url, "4", { declaredQuery, publicBaseUrl: "https://bridge.contoso.com" })).toBe(
      "https://bridge.contoso.com/queues/orders/triggers/peek-lock?maxMessages=3&triggerState=4",
    );
    expect(nextPollUrl(url, "4", { declaredQuery, publicBaseUrl: "https://gw.contoso.com/servicebus/" })).toBe(
      "https://gw.contoso.com/servicebus/queues/orders/triggers/peek-lock?maxMessages=3&triggerState=4",
    );
  });
});
