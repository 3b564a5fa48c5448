/**
 * Webhook triggers: Power Automate subscribes a flow's callback URL when the flow is turned on, the API pushes
 * each message to it, and the platform deletes the subscription (at the Location the subscribe answered) when the
 * flow is turned off, changed or deleted. Declared once per receivable entity kind.
 */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import { receiverPickers } from "../pickers.js";
import { ReceivedMessage } from "../schemas/message.js";
import { EVENT_DATA_SCHEMA, EventTypeParam, eventTypePicker } from "./events.js";
import type { ReceiverSourceSpec } from "./receiver-source.js";

/** Deliveries in flight at once per subscription and instance, unless the trigger says otherwise. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 4;
/** The most a trigger may ask for. */
export const MAX_WEBHOOK_CONCURRENCY = 16;

/** A subscription's id: the unguessable capability its Location URL carries. */
export const WebhookIdParam = Type.String({
  pattern: "^[A-Za-z0-9_-]{32,64}$",
  description: "The webhook subscription's id, from the Location header of its subscribe answer.",
  "x-ms-summary": "Webhook subscription",
});

const SubscribeBody = Type.Object(
  {
    callbackUrl: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: "The flow's callback URL, where each message is pushed. Set by Power Automate.",
      "x-ms-summary": "Callback URL",
    }),
    maxConcurrentCalls: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_WEBHOOK_CONCURRENCY,
        default: DEFAULT_WEBHOOK_CONCURRENCY,
        description:
          `How many messages are pushed to the flow at once, per instance of the API (1 to ${MAX_WEBHOOK_CONCURRENCY}, default ${DEFAULT_WEBHOOK_CONCURRENCY}). ` +
          "On session-enabled entities, messages of one session are always pushed one at a time, in order.",
        "x-ms-summary": "Concurrency",
      }),
    ),
  },
  { additionalProperties: false },
);

const TriggerEventTypeParam = Type.String({
  ...EventTypeParam,
  description:
    "The event type the entity carries, such as OrderSubmitted. Its fields then appear as typed outputs of the trigger; " +
    "a message that is not an event of this type is still pushed, flagged in contractErrors.",
  "x-ms-summary": "Event type",
});

/** The state of a webhook subscription, as GET on its Location shows it. */
const WebhookState = Type.Object(
  {
    id: Type.String({ description: "The subscription's id.", "x-ms-summary": "ID" }),
    entity: Type.String({ description: "The queue (`orders`) or subscription (`topic/subscription`) its messages come from.", "x-ms-summary": "Entity" }),
    eventType: Type.Optional(Type.String({ description: "The event type pushed messages are typed with.", "x-ms-summary": "Event type" })),
    maxConcurrentCalls: Type.Integer({ description: "Pushes in flight at once, per instance.", "x-ms-summary": "Concurrency" }),
    createdAt: Type.String({ format: "date-time", description: "When the flow subscribed.", "x-ms-summary": "Created" }),
    delivered: Type.Integer({ description: "Messages the callback accepted (2xx), over every instance.", "x-ms-summary": "Delivered" }),
    failed: Type.Integer({ description: "Pushes the callback refused or that failed, each retried later.", "x-ms-summary": "Failed" }),
    lastDeliveryAt: Type.Optional(Type.String({ format: "date-time", description: "When a message was last accepted.", "x-ms-summary": "Last delivery" })),
    lastFailure: Type.Optional(
      Type.Object(
        {
          status: Type.Optional(
            Type.Integer({ description: "The callback's HTTP status; absent for a time-out or a connection error.", "x-ms-summary": "Failure status" }),
          ),
          reason: Type.String({ description: "What went wrong.", "x-ms-summary": "Failure reason" }),
          at: Type.String({ format: "date-time", description: "When the push failed.", "x-ms-summary": "Failed at" }),
        },
        { additionalProperties: false, description: "The last failed push.", "x-ms-summary": "Last failure" },
      ),
    ),
    goneAt: Type.Optional(
      Type.String({
        format: "date-time",
        description: "When the callback answered 404 or 410 (the flow is gone): nothing is pushed any more, and messages stay in the entity.",
        "x-ms-summary": "Gone",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Subscribe, read and delete a webhook subscription on one entity kind. */
export function webhookOperations(source: ReceiverSourceSpec) {
  const entityWord = source.target === "queue" ? "queue" : "subscription";
  const kind = source.target === "queue" ? "Queue" : "Subscription";
  const path = `${source.pathPrefix}/webhooks`;
  const params = Type.Object({ ...source.params.properties, webhookId: WebhookIdParam });
  const subscribeId = `WhenMessageArrivesIn${kind}Instant`;
  return {
    subscribe: defineOperation({
      operationId: subscribeId,
      method: "post",
      path,
      summary: `When a message arrives in ${source.noun} (instant)`,
      description:
        `This operation triggers when a message arrives in the ${entityWord}, pushing it to the flow within a second instead of waiting for the next poll: one flow run per message. ` +
        "A message is completed once the flow's trigger accepts it, so each message starts at least one run; when the flow cannot take it, it is retried with back-off and, " +
        `after the ${entityWord}'s maximum delivery count, dead-lettered. On session-enabled entities, each session's messages are pushed one at a time, in order. ` +
        "Business events come with their typed event; choose the event type to use its fields in the flow.",
      tags: [source.tag],
      request: { params: source.params, query: Type.Object({ eventType: Type.Optional(TriggerEventTypeParam) }), body: SubscribeBody },
      success: {
        status: 201,
        description: "Subscribed. Location is the subscription's URL: GET shows its state, DELETE ends it.",
        schema: WebhookState,
        headers: { Location: { description: "The subscription's URL, which carries its unguessable id.", type: "string" } },
      },
      problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "EventTypeNotFound", "WebhooksNotConfigured"],
      auth: { scopes: ["listen"], entity: source.target },
      connector: {
        visibility: "important",
        parameters: { ...receiverPickers(source.target), eventType: eventTypePicker(source.target === "queue" ? "queue" : "topic") },
        properties: { "body/maxConcurrentCalls": { visibility: "advanced" } },
        dynamicSchemas: { "notification/event/data": EVENT_DATA_SCHEMA },
        trigger: {
          type: "single",
          webhook: {
            callbackUrlProperty: "body/callbackUrl",
            notification: { description: `The message that arrived in the ${entityWord}.`, schema: ReceivedMessage },
          },
          hint: `To see it work, send a message to the ${entityWord}.`,
        },
      },
    }),
    get: defineOperation({
      operationId: `GetWebhookSubscription${kind === "Queue" ? "OfQueue" : "OfSubscription"}`,
      method: "get",
      path: `${path}/{webhookId}`,
      summary: `Get a webhook subscription of ${source.noun}`,
      description:
        "Shows a webhook subscription's state: its entity, when it was made, and what its pushes did over every instance of the API (delivered, failed, the last delivery and failure). " +
        "Counts are summed every few seconds.",
      tags: [source.tag],
      request: { params },
      success: { status: 200, description: "The subscription's state.", schema: WebhookState },
      problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "WebhookSubscriptionNotFound", "WebhooksNotConfigured"],
      auth: { scopes: ["listen"], entity: source.target },
      connector: { visibility: "internal", parameters: receiverPickers(source.target) },
    }),
    delete: defineOperation({
      operationId: `DeleteWebhookSubscription${kind === "Queue" ? "OfQueue" : "OfSubscription"}`,
      method: "delete",
      path: `${path}/{webhookId}`,
      summary: `Delete a webhook subscription of ${source.noun}`,
      description:
        "Ends a webhook subscription: nothing more is pushed, and messages stay in the entity. Power Automate calls it when the flow is turned off, changed or deleted. " +
        "The subscription's unguessable id authorises the call, so no API key is needed (the platform may not send one); an unknown or already deleted id answers 204 as well.",
      tags: [source.tag],
      request: { params },
      success: { status: 204, description: "The subscription is gone (or never existed)." },
      problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "WebhooksNotConfigured"],
      auth: { scopes: [], entity: source.target, capability: true },
      connector: { visibility: "internal", parameters: receiverPickers(source.target), deletesWebhookOf: subscribeId },
    }),
  };
}
