import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../../api/src/contract/registry.js";
import { allBindings } from "../../../../api/src/handlers/bindings.js";
import { EventCatalog } from "../../../../api/src/events/event-catalog.js";
import { FakeMessaging } from "../fake-messaging.js";

const ISSUE_OPERATION_IDS = [
  "SendMessage",
  "SendMessages",
  "ScheduleMessages",
  "CancelScheduledMessages",
  ...["InQueue", "InSubscription"].flatMap((suffix) => [
    `PeekMessages${suffix}`,
    `CompleteMessage${suffix}`,
    `CompleteMessages${suffix}`,
    `AbandonMessage${suffix}`,
    `DeadLetterMessage${suffix}`,
    `DeferMessage${suffix}`,
    `RenewMessageLock${suffix}`,
    `ResubmitDeadLetters${suffix}`,
    `GetSessionState${suffix}`,
    `SetSessionState${suffix}`,
    `RenewSessionLock${suffix}`,
    `CloseSession${suffix}`,
  ]),
  ...["FromQueue", "FromSubscription"].flatMap((suffix) => [`ReceiveMessages${suffix}`, `ReceiveDeferredMessages${suffix}`]),
  "ListQueues",
  "ListTopics",
  "ListSubscriptions",
  "ListSendEntities",
  "CreateSubscription",
  "DeleteSubscription",
  // Issue 5: typed business events.
  "SendEvent",
  "ListEventTypes",
  "GetEventTypeSchema",
  // Issue 5: polling triggers.
  "WhenMessagesArriveInQueue",
  "WhenMessagesArriveInQueueAutoComplete",
  "WhenMessagesArriveInSubscription",
  "WhenMessagesArriveInSubscriptionAutoComplete",
  // Issue 13: webhook triggers (subscribe, state, delete).
  ...["Queue", "Subscription"].flatMap((kind) => [
    `WhenMessageArrivesIn${kind}Instant`,
    `GetWebhookSubscriptionOf${kind}`,
    `DeleteWebhookSubscriptionOf${kind}`,
  ]),
];

describe("contract registry", () => {
  it("declares the operations of issues 4 and 5, each once", () => {
    const ids = OPERATIONS.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...ISSUE_OPERATION_IDS].sort());
  });

  it("binds every operation to exactly one handler", () => {
    const bound = allBindings({
      messaging: new FakeMessaging(),
      entities: { queues: [], topics: [] },
      now: () => new Date(),
      events: { catalog: new EventCatalog([]), source: "test" },
    }).map((binding) => binding.operation);
    expect(bound).toHaveLength(OPERATIONS.length);
    expect(new Set(bound)).toEqual(new Set(OPERATIONS));
  });

  it("uses a distinct method and path per operation", () => {
    const routes = OPERATIONS.map((operation) => `${operation.method} ${operation.path}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it.each(OPERATIONS.map((operation) => [operation.operationId, operation] as const))("%s follows the connector text rules", (_id, operation) => {
    expect(operation.operationId).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(operation.summary.length).toBeLessThanOrEqual(80);
    expect(operation.summary).toMatch(/^[A-Z][A-Za-z0-9 ()]*[A-Za-z0-9)]$/);
    expect(operation.description).toMatch(/^[A-Z].*[.!?]$/s);
    expect(operation.description).not.toBe(operation.summary);
    expect(["important", "advanced", "internal"]).toContain(operation.connector.visibility);
  });

  it.each(OPERATIONS.map((operation) => [operation.operationId, operation] as const))(
    "%s declares exactly its path parameters, with summaries",
    (_id, operation) => {
      const inPath = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = Object.keys(operation.request.params?.properties ?? {});
      expect(declared).toEqual(inPath);
      for (const schema of [...Object.values(operation.request.params?.properties ?? {}), ...Object.values(operation.request.query?.properties ?? {})]) {
        expect((schema as Record<string, unknown>)["x-ms-summary"]).toEqual(expect.any(String));
      }
    },
  );

  it("keeps the issue's parameter names", () => {
    const names = new Set(
      OPERATIONS.flatMap((operation) => [
        ...Object.keys(operation.request.params?.properties ?? {}),
        ...Object.keys(operation.request.query?.properties ?? {}),
      ]),
    );
    for (const name of ["entity", "queue", "topic", "subscription", "lockToken", "sessionId", "maxMessages", "maxWaitSeconds", "fromSequenceNumber"]) {
      expect(names.has(name), name).toBe(true);
    }
  });
});
