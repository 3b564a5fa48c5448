/**
 * Handlers of the polling triggers (operations/triggers.ts): one short receive per poll (of one
 * session on a session entity, see trigger-receive.ts), then either 200 + the messages or 202, both
 * with `Location` (the next poll URL with the trigger state) and `Retry-After`.
 */
import type { triggerOperations } from "../contract/registry.js";
import { TRIGGER_STATE_PARAMETER } from "../contract/operations/triggers.js";
import type { EventCatalog } from "../events/event-catalog.js";
import { flaggedIfUnexpected, withTypedEvents } from "../events/typed-messages.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";
import { receiveForTrigger } from "./trigger-receive.js";

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
  /**
   * The API's public base URL (`https://bridge.example.com` or with a path prefix): the origin of the next
   * poll's `Location`. Without it, the origin the request names (its Host header), right behind a proxy
   * that forwards it.
   */
  publicBaseUrl?: string;
}

/** The trigger state before any message was returned. */
export const INITIAL_TRIGGER_STATE = "0";

/** Options of {@link nextPollUrl}. */
export interface NextPollOptions {
  /** The query parameters the operation declares; others are not carried along. */
  declaredQuery: readonly string[];
  /** The API's public base URL, which replaces the request's origin (see {@link TriggerHandlerDeps.publicBaseUrl}). */
  publicBaseUrl?: string;
}

/**
 * The next poll's URL: the same operation and declared parameters, with the new trigger state, at the
 * public base URL when one is configured.
 */
export function nextPollUrl(requestUrl: URL, state: string, { declaredQuery, publicBaseUrl }: NextPollOptions): string {
  const next = publicBaseUrl === undefined ? new URL(requestUrl.origin) : new URL(publicBaseUrl);
  next.pathname = `${next.pathname.replace(/\/+$/, "")}${requestUrl.pathname}`;
  next.search = "";
  next.hash = "";
  for (const [name, value] of requestUrl.searchParams) {
    if (name !== TRIGGER_STATE_PARAMETER && declaredQuery.includes(name)) next.searchParams.append(name, value);
  }
  next.searchParams.set(TRIGGER_STATE_PARAMETER, state);
  return next.href;
}

/** Bindings of the four triggers. */
export function triggerBindings(
  operations: typeof triggerOperations,
  { messaging, catalog, receiveWaitInMs = 1000, idleRetryAfterSeconds = 30, publicBaseUrl }: TriggerHandlerDeps,
): OperationBinding[] {
  return Object.values(operations).map((operation) => {
    const pollOptions: NextPollOptions = {
      declaredQuery: Object.keys(operation.request.query?.properties ?? {}),
      ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
    };
    const { receiveMode } = operation;
    return bindOperation(operation, async ({ entity, query, requestUrl }) => {
      const expected = query.eventType === undefined ? undefined : catalog.find(query.eventType);
      if (query.eventType !== undefined && !expected) {
        throw new ProblemError("EventTypeNotFound", { detail: `The event catalog has no event type '${query.eventType}'; see ListEventTypes.` });
      }
      const { messages: received } = await receiveForTrigger(messaging, entity, {
        maxMessages: query.maxMessages,
        maxWaitTimeInMs: receiveWaitInMs,
        receiveMode,
      });
      const last = received.at(-1);
      const state = last?.sequenceNumber ?? query.triggerState ?? INITIAL_TRIGGER_STATE;
      // A full batch suggests more are waiting: ask to be polled again at once.
      const retryAfter = received.length >= query.maxMessages ? 0 : idleRetryAfterSeconds;
      const headers = { Location: nextPollUrl(requestUrl, state, pollOptions), "Retry-After": String(retryAfter) };
      if (received.length === 0) return { pending: true, headers };
      return { body: withTypedEvents(catalog, received).map((message) => flaggedIfUnexpected(message, expected)), headers };
    });
  });
}
