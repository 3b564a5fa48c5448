/** Handlers of peek, receive, settlement and dead-letter resubmission, shared by queues and subscriptions. */
import type { receiverOperations } from "../contract/registry.js";
import { NEXT_AVAILABLE_SESSION } from "../contract/schemas/common.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import type { EventCatalog } from "../events/event-catalog.js";
import { withTypedEvents } from "../events/typed-messages.js";
import type { LockToken } from "../contract/lock-token.js";
import type { MessageLock, MessagingPort } from "../servicebus/messaging-port.js";
import { completeLockTokens } from "./complete-messages.js";
import { sessionBindings } from "./session-handlers.js";

/** The lock a settle call names: its token, and the session it gave (an empty `sessionId` names none). */
function messageLock(lockToken: LockToken, sessionId: string | undefined): MessageLock {
  return sessionId === undefined || sessionId === "" ? { lockToken } : { lockToken, sessionId };
}

/** Bindings of the receive-side operations of one entity kind. */
export function receiverBindings(operations: ReturnType<typeof receiverOperations>, messaging: MessagingPort, catalog: EventCatalog): OperationBinding[] {
  const typed = (messages: readonly ReceivedMessageJson[]): ReceivedMessageJson[] => withTypedEvents(catalog, messages);
  return [
    bindOperation(operations.peek, async ({ entity, query }) => {
      const messages = await messaging.peekMessages(entity, {
        maxMessages: query.maxMessages,
        ...(query.fromSequenceNumber === undefined ? {} : { fromSequenceNumber: query.fromSequenceNumber }),
        ...(query.sessionId === undefined ? {} : { sessionId: query.sessionId }),
      });
      return { body: { messages: typed(messages) } };
    }),
    bindOperation(operations.receive, async ({ entity, query }) => {
      const maxWaitTimeInMs = Math.round((query.maxWaitSeconds ?? 5) * 1000);
      if (query.sessionId !== undefined) {
        if (query.receiveMode === "receiveAndDelete") {
          throw new ProblemError("ValidationFailed", { errors: { query: [{ field: "/receiveMode", message: "must be peekLock when sessionId is given" }] } });
        }
        const result = await messaging.receiveSessionMessages(entity, {
          maxMessages: query.maxMessages,
          maxWaitTimeInMs,
          sessionId: query.sessionId === NEXT_AVAILABLE_SESSION ? undefined : query.sessionId,
        });
        return {
          body: {
            messages: typed(result.messages),
            ...(result.sessionId === undefined ? {} : { sessionId: result.sessionId }),
            ...(result.sessionLockedUntil === undefined ? {} : { sessionLockedUntilUtc: result.sessionLockedUntil.toISOString() }),
          },
        };
      }
      const messages = await messaging.receiveMessages(entity, {
        maxMessages: query.maxMessages,
        maxWaitTimeInMs,
        receiveMode: query.receiveMode ?? "peekLock",
      });
      return { body: { messages: typed(messages) } };
    }),
    bindOperation(operations.receiveDeferred, async ({ entity, query, body }) => {
      const messages = await messaging.receiveDeferredMessages(
        entity,
        body.sequenceNumbers,
        query.sessionId === undefined ? {} : { sessionId: query.sessionId },
      );
      return { body: { messages: typed(messages) } };
    }),
    bindOperation(operations.complete, async ({ entity, params, query }) => {
      await messaging.completeMessage(entity, messageLock(params.lockToken, query.sessionId));
      return {};
    }),
    bindOperation(operations.completeMessages, async ({ entity, query, body, log }) => {
      return {
        body: await completeLockTokens(body.lockTokens, (lockToken) => messaging.completeMessage(entity, messageLock(lockToken, query.sessionId)), log),
      };
    }),
    bindOperation(operations.abandon, async ({ entity, params, query, body }) => {
      await messaging.abandonMessage(entity, messageLock(params.lockToken, query.sessionId), body?.propertiesToModify);
      return {};
    }),
    bindOperation(operations.deadLetter, async ({ entity, params, query, body }) => {
      await messaging.deadLetterMessage(entity, messageLock(params.lockToken, query.sessionId), {
        ...(body?.deadLetterReason === undefined ? {} : { deadLetterReason: body.deadLetterReason }),
        ...(body?.deadLetterErrorDescription === undefined ? {} : { deadLetterErrorDescription: body.deadLetterErrorDescription }),
        ...(body?.propertiesToModify === undefined ? {} : { propertiesToModify: body.propertiesToModify }),
      });
      return {};
    }),
    bindOperation(operations.defer, async ({ entity, params, query, body }) => {
      await messaging.deferMessage(entity, messageLock(params.lockToken, query.sessionId), body?.propertiesToModify);
      return {};
    }),
    bindOperation(operations.renewLock, async ({ entity, params, query }) => {
      const lockedUntil = await messaging.renewMessageLock(entity, messageLock(params.lockToken, query.sessionId));
      return { body: { lockedUntilUtc: lockedUntil.toISOString() } };
    }),
    bindOperation(operations.resubmitDeadLetters, async ({ entity, body }) => {
      const selection = body?.sequenceNumbers ? { sequenceNumbers: body.sequenceNumbers } : { maxMessages: body?.maxMessages ?? 10 };
      const result = await messaging.resubmitDeadLetters(entity, selection, { keepMessageId: body?.keepMessageId ?? false });
      return { body: result };
    }),
    ...sessionBindings(operations.sessions, messaging),
  ];
}
