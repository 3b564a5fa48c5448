/**
 * The contract registry: every HTTP operation of the API, declared once. Routes, request validation
 * and the OpenAPI document are all generated from this list.
 *
 * Not yet declared (a later phase): the session operations (GetSessionState…, SetSessionState…,
 * RenewSessionLock…, CloseSession…, and `sessionId` on receive) and CreateSubscription / DeleteSubscription.
 */
import type { AnyOperation } from "./operation.js";
import { resubmitDeadLettersOperation } from "./operations/dead-letters.js";
import { listQueues, listSendEntities, listSubscriptions, listTopics } from "./operations/discovery.js";
import { peekMessagesOperation, receiveDeferredMessagesOperation, receiveMessagesOperation } from "./operations/receive.js";
import { QUEUE_SOURCE, SUBSCRIPTION_SOURCE } from "./operations/receiver-source.js";
import type { ReceiverSourceSpec } from "./operations/receiver-source.js";
import { cancelScheduledMessages, scheduleMessages, sendMessage, sendMessages } from "./operations/send.js";
import { settleOperations } from "./operations/settle.js";

/** The receive-side operations of one entity kind. */
export function receiverOperations(source: ReceiverSourceSpec) {
  return {
    peek: peekMessagesOperation(source),
    receive: receiveMessagesOperation(source),
    receiveDeferred: receiveDeferredMessagesOperation(source),
    ...settleOperations(source),
    resubmitDeadLetters: resubmitDeadLettersOperation(source),
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

/** Every operation, in documentation order. */
export const OPERATIONS: readonly AnyOperation[] = [
  ...Object.values(sendOperations),
  ...Object.values(queueOperations),
  ...Object.values(subscriptionOperations),
  ...Object.values(discoveryOperations),
];
