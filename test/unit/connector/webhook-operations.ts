/**
 * A webhook trigger and its delete, declared here and not in the registry: what the generator and the
 * OpenAPI document must make of such a pair, whatever the registry holds.
 */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, defineOperation } from "../../../api/src/contract/operation.js";
import type { AnyOperation } from "../../../api/src/contract/operation.js";
import { EVENT_DATA_SCHEMA, EventTypeParam, eventTypePicker } from "../../../api/src/contract/operations/events.js";
import { QUEUE_SOURCE } from "../../../api/src/contract/operations/receiver-source.js";
import { QueueParam } from "../../../api/src/contract/schemas/common.js";
import { ReceivedMessage } from "../../../api/src/contract/schemas/message.js";

export const SUBSCRIBE_PATH = "/queues/{queue}/test-webhooks";
export const DELETE_PATH = `${SUBSCRIBE_PATH}/{webhookId}`;

const SubscribeBody = Type.Object(
  {
    callbackUrl: Type.String({ format: "uri", description: "The flow's callback URL.", "x-ms-summary": "Callback URL" }),
    maxConcurrentCalls: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, description: "Callbacks in flight at once.", "x-ms-summary": "Concurrency" })),
  },
  { description: "The subscription." },
);

/** A webhook trigger on a queue, typed by event type as the polling triggers are. */
export const subscribe = defineOperation({
  operationId: "WhenMessageArrivesInTestQueue",
  method: "post",
  path: SUBSCRIBE_PATH,
  summary: "When a message arrives in a queue (instant)",
  description: "This operation triggers when a message arrives in the queue, pushing it to the flow at once.",
  tags: ["Queues"],
  request: {
    params: QUEUE_SOURCE.params,
    query: Type.Object({ eventType: Type.Optional(EventTypeParam) }),
    body: SubscribeBody,
  },
  success: {
    status: 201,
    description: "Subscribed: the Location header is the subscription's URL.",
    headers: { Location: { description: "The subscription's URL, which deletes it.", type: "string" } },
  },
  problems: [...COMMON_PROBLEMS, "MessagingEntityNotFound"],
  auth: { scopes: ["listen"], entity: "queue" },
  connector: {
    visibility: "important",
    parameters: { eventType: eventTypePicker("queue") },
    properties: { "notification/messageId": { summary: "Message identifier" } },
    dynamicSchemas: { "notification/event/data": EVENT_DATA_SCHEMA },
    trigger: {
      type: "single",
      webhook: {
        callbackUrlProperty: "body/callbackUrl",
        notification: { description: "The message that arrived.", schema: ReceivedMessage },
      },
      hint: "To see it work, send a message to the queue.",
    },
  },
});

/** The delete the platform calls on the subscription's Location. */
export const unsubscribe = defineOperation({
  operationId: "DeleteTestQueueWebhook",
  method: "delete",
  path: DELETE_PATH,
  summary: "Delete a queue webhook subscription",
  description: "Deletes the webhook subscription; Power Automate calls it when the flow is turned off.",
  tags: ["Queues"],
  request: { params: Type.Object({ queue: QueueParam, webhookId: Type.String({ description: "The subscription.", "x-ms-summary": "Subscription" }) }) },
  success: { status: 204, description: "Deleted." },
  problems: [...COMMON_PROBLEMS],
  auth: { scopes: ["listen"], entity: "queue" },
  connector: { visibility: "internal", deletesWebhookOf: "WhenMessageArrivesInTestQueue" },
});

/** The pair, as the registry would list them. */
export const WEBHOOK_PAIR: readonly AnyOperation[] = [subscribe, unsubscribe];

/** A copy of an operation with changes (deep enough for the tests' edits). */
export function changed(operation: AnyOperation, change: (copy: AnyOperation) => void): AnyOperation {
  const copy = { ...operation, request: { ...operation.request }, success: { ...operation.success }, connector: structuredClone(operation.connector) };
  change(copy);
  return copy;
}
