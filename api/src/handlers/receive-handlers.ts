/** Handlers of peek, receive, settlement and dead-letter resubmission, shared by queues and subscriptions. */
import type { receiverOperations } from "../contract/registry.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";
import { receiveSourceOf } from "./receive-source.js";

/** Bindings of the receive-side operations of one entity kind. */
export function receiverBindings(operations: ReturnType<typeof receiverOperations>, messaging: MessagingPort): OperationBinding[] {
  return [
    bindOperation(operations.peek, async ({ entity, query }) => {
      const messages = await messaging.peekMessages(receiveSourceOf(entity, query.subQueue), {
        maxMessages: query.maxMessages,
        ...(query.fromSequenceNumber === undefined ? {} : { fromSequenceNumber: query.fromSequenceNumber }),
      });
      return { body: { messages } };
    }),
    bindOperation(operations.receive, async ({ entity, query }) => {
      const messages = await messaging.receiveMessages(receiveSourceOf(entity, query.subQueue), {
        maxMessages: query.maxMessages,
        maxWaitTimeInMs: Math.round((query.maxWaitSeconds ?? 5) * 1000),
        receiveMode: query.receiveMode ?? "peekLock",
      });
      return { body: { messages } };
    }),
    bindOperation(operations.receiveDeferred, async ({ entity, query, body }) => {
      const messages = await messaging.receiveDeferredMessages(receiveSourceOf(entity, query.subQueue), body.sequenceNumbers);
      return { body: { messages } };
    }),
    bindOperation(operations.complete, async ({ entity, params, query }) => {
      await messaging.completeMessage(receiveSourceOf(entity, query.subQueue), params.lockToken);
      return {};
    }),
    bindOperation(operations.abandon, async ({ entity, params, query, body }) => {
      await messaging.abandonMessage(receiveSourceOf(entity, query.subQueue), params.lockToken, body?.propertiesToModify);
      return {};
    }),
    bindOperation(operations.deadLetter, async ({ entity, params, query, body }) => {
      await messaging.deadLetterMessage(receiveSourceOf(entity, query.subQueue), params.lockToken, {
        ...(body?.deadLetterReason === undefined ? {} : { deadLetterReason: body.deadLetterReason }),
        ...(body?.deadLetterErrorDescription === undefined ? {} : { deadLetterErrorDescription: body.deadLetterErrorDescription }),
        ...(body?.propertiesToModify === undefined ? {} : { propertiesToModify: body.propertiesToModify }),
      });
      return {};
    }),
    bindOperation(operations.defer, async ({ entity, params, query, body }) => {
      await messaging.deferMessage(receiveSourceOf(entity, query.subQueue), params.lockToken, body?.propertiesToModify);
      return {};
    }),
    bindOperation(operations.renewLock, async ({ entity, params, query }) => {
      const lockedUntil = await messaging.renewMessageLock(receiveSourceOf(entity, query.subQueue), params.lockToken);
      return { body: { lockedUntilUtc: lockedUntil.toISOString() } };
    }),
    bindOperation(operations.resubmitDeadLetters, async ({ entity, body }) => {
      const selection = body?.sequenceNumbers ? { sequenceNumbers: body.sequenceNumbers } : { maxMessages: body?.maxMessages ?? 10 };
      const result = await messaging.resubmitDeadLetters(receiveSourceOf(entity, "main"), selection);
      return { body: result };
    }),
  ];
}
