/**
 * Handlers of the polling triggers (operations/triggers.ts): one short receive per poll, then either
 * 200 + the messages or 202, both with `Location` (the next poll URL with the trigger state) and
 * `Retry-After`.
 */
import type { triggerOperations } from "../contract/registry.js";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import { TRIGGER_STATE_PARAMETER } from "../contract/operations/triggers.js";
import type { EventCatalog } from "../events/event-catalog.js";
import type { EventTypeDefinition } from "../events/event-type.js";
import { withTypedEvents } from "../events/typed-messages.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";

/** What the trigger handlers need. */
export interface TriggerHandlerDeps {
  messaging: MessagingPort;
  catalog: EventCatalog;
  /**
   * How long one poll waits for a first message. Kept short: the engine holds an HTTP request open
   * meanwhile, and it polls again anyway.
   */
  receiveWaitInMs?: number;
  /** `Retry-After` while nothing is waiting, in seconds. */
  idleRetryAfterSeconds?: number;
}

/** The trigger state before any message was returned. */
export const INITIAL_TRIGGER_STATE = "0";

/** The next poll's URL: the same operation and parameters, with the new trigger state. */
export function nextPollUrl(requestUrl: URL, state: string): string {
  const next = new URL(requestUrl.href);
  next.searchParams.set(TRIGGER_STATE_PARAMETER, state);
  return next.href;
}

/** Flags messages that are not events of the type the trigger was told to expect (never hides them). */
function flagUnexpected(messages: readonly ReceivedMessageJson[], expected: EventTypeDefinition | undefined): ReceivedMessageJson[] {
  if (!expected) return [...messages];
  return messages.map((message) => {
    if (message.event?.eventType === expected.eventType) return message;
    const problem = message.event
      ? { field: "/eventType", message: `is ${message.event.eventType}, not ${expected.eventType}, the event type this trigger expects` }
      : { field: "", message: `is not a business event; this trigger expects ${expected.eventType}` };
    return { ...message, contractErrors: [...(message.contractErrors ?? []), problem] };
  });
}

/** Bindings of the four triggers. */
export function triggerBindings(
  operations: typeof triggerOperations,
  { messaging, catalog, receiveWaitInMs = 1000, idleRetryAfterSeconds = 30 }: TriggerHandlerDeps,
): OperationBinding[] {
  return Object.values(operations).map((operation) => {
    const receiveMode = operation.operationId.endsWith("AutoComplete") ? "receiveAndDelete" : "peekLock";
    return bindOperation(operation, async ({ entity, query, requestUrl }) => {
      const expected = query.eventType === undefined ? undefined : catalog.find(query.eventType);
      if (query.eventType !== undefined && !expected) {
        throw new ProblemError("EventTypeNotFound", { detail: `The event catalog has no event type '${query.eventType}'; see ListEventTypes.` });
      }
      const received = await messaging.receiveMessages(entity, {
        maxMessages: query.maxMessages,
        maxWaitTimeInMs: receiveWaitInMs,
        receiveMode,
      });
      const last = received.at(-1);
      const state = last?.sequenceNumber ?? query.triggerState ?? INITIAL_TRIGGER_STATE;
      // A full batch suggests more are waiting: ask to be polled again at once.
      const retryAfter = received.length >= query.maxMessages ? 0 : idleRetryAfterSeconds;
      const headers = { Location: nextPollUrl(requestUrl, state), "Retry-After": String(retryAfter) };
      if (received.length === 0) return { pending: true, headers };
      return { body: flagUnexpected(withTypedEvents(catalog, received), expected), headers };
    });
  });
}
