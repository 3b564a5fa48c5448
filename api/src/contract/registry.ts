/**
 * The contract registry: every HTTP operation of the API, declared once. Routes, request validation
 * and the OpenAPI document are all generated from this list.
 */
import type { AnyOperation } from "./operation.js";
import { eventOperations } from "./operations/events.js";
import { resubmitDeadLettersOperation } from "./operations/dead-letters.js";
import { listQueues, listSendEntities, listSubscriptions, listTopics } from "./operations/discovery.js";
import { createSubscription, deleteSubscription } from "./operations/management.js";
import { peekMessagesOperation, receiveDeferredMessagesOperation, receiveMessagesOperation } from "./operations/receive.js";
import { QUEUE_SOURCE, SUBSCRIPTION_SOURCE } from "./operations/receiver-source.js";
import type { ReceiverSourceSpec } from "./operations/receiver-source.js";
import { cancelScheduledMessages, scheduleMessages, sendMessage, sendMessages } from "./operations/send.js";
import { sessionOperations } from "./operations/sessions.js";
import { settleOperations } from "./operations/settle.js";
import { triggerOperations as buildTriggerOperations } from "./operations/triggers.js";
import { webhookOperations } from "./operations/webhooks.js";

/** The receive-side operations of one entity kind. */
export function receiverOperations(source: ReceiverSourceSpec) {
  return {
    peek: peekMessagesOperation(source),
    receive: receiveMessagesOperation(source),
    receiveDeferred: receiveDeferredMessagesOperation(source),
    ...settleOperations(source),
    resubmitDeadLetters: resubmitDeadLettersOperation(source),
    sessions: sessionOperations(source),
  };
}

/** Operations on queues. */
export const queueOperations = receiverOperations(QUEUE_SOURCE);
/** Operations on topic subscriptions. */
export const subscriptionOperations = receiverOperations(SUBSCRIPTION_SOURCE);
/** Send operations. */
export const sendOperations = { sendMessage, sendMessages, scheduleMessages, cancelScheduledMessages };
/** Discovery operations. */
export const discoveryOperations = { listQueues, listTopics, listSubscriptions, listSendEntities };
/** Polling triggers (peek-lock and auto-complete, per queue and subscription). */
export const triggerOperations = buildTriggerOperations(QUEUE_SOURCE, SUBSCRIPTION_SOURCE);
/** Webhook triggers (subscribe, state, delete) on queues and on topic subscriptions. */
export const queueWebhookOperations = webhookOperations(QUEUE_SOURCE);
export const subscriptionWebhookOperations = webhookOperations(SUBSCRIPTION_SOURCE);
/** Management operations (scope manage). */
export const managementOperations = { createSubscription, deleteSubscription };

/** The operations of one entity kind, flattened (the session operations are grouped under `sessions`). */
function flatten(operations: ReturnType<typeof receiverOperations>): AnyOperation[] {
  const { sessions, ...rest } = operations;
  return [...Object.values(rest), ...Object.values(sessions)];
}

/** Every operation, in documentation order. */
export const OPERATIONS: readonly AnyOperation[] = [
  ...Object.values(sendOperations),
  ...Object.values(eventOperations),
  ...flatten(queueOperations),
  ...flatten(subscriptionOperations),
  ...Object.values(triggerOperations),
  ...Object.values(queueWebhookOperations),
  ...Object.values(subscriptionWebhookOperations),
  ...Object.values(discoveryOperations),
  ...Object.values(managementOperations),
];
