/**
 * Polling triggers, server driven as the Logic Apps engine (which runs Power Automate flows) expects:
 * each poll either fires with `200` and an array of messages (one flow run per message) or answers
 * `202` with no body while nothing is waiting. Both carry `Location`, the URL of the next poll (the
 * same operation with the trigger state in `triggerState`), and `Retry-After`, the seconds to wait.
 *
 * Two variants per entity kind: peek-lock (each message comes locked, with the lockToken a later
 * settle action needs: at least once) and auto-complete (receive-and-delete: a message is gone as soon
 * as the poll returns it, so a failed run loses it: at most once). Both work on session-enabled entities
 * without a parameter: a poll returns messages of one session, the next available one.
 */
import { Type } from "@sinclair/typebox";
import { receiverPickers } from "../pickers.js";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import type { ResponseHeader } from "../operation.js";
import { maxMessagesParam } from "../schemas/common.js";
import { ReceivedMessage } from "../schemas/message.js";
import { EVENT_DATA_SCHEMA, EventTypeParam, eventTypePicker } from "./events.js";
import type { ReceiverSourceSpec } from "./receiver-source.js";

/** The query parameter of the `Location` URL that carries the trigger state. */
export const TRIGGER_STATE_PARAMETER = "triggerState";

/** The default number of messages one poll returns. */
export const TRIGGER_DEFAULT_MAX_MESSAGES = 20;

/** The two delivery guarantees a trigger offers. */
export type TriggerMode = "peekLock" | "autoComplete";

/** How a trigger's polls receive their messages: the Service Bus receive mode. */
export type TriggerReceiveMode = "peekLock" | "receiveAndDelete";

/** The receive mode of each trigger mode: auto-complete is receive-and-delete. */
const RECEIVE_MODES: Record<TriggerMode, TriggerReceiveMode> = { peekLock: "peekLock", autoComplete: "receiveAndDelete" };

const POLL_HEADERS: Record<string, ResponseHeader> = {
  Location: { description: "The URL of the next poll: this operation with the trigger state in its triggerState query parameter.", type: "string" },
  "Retry-After": { description: "Seconds to wait before the next poll (0 when more messages may be waiting).", type: "integer" },
};

const TriggerEventTypeParam = Type.String({
  ...EventTypeParam,
  description:
    "The event type the entity carries, such as OrderSubmitted. Its fields then appear as typed outputs of the trigger; " +
    "a message that is not an event of this type is still returned, flagged in contractErrors.",
  "x-ms-summary": "Event type",
});

const TriggerStateParam = Type.String({
  maxLength: 64,
  description: "The trigger state from the previous poll's Location header (the last sequence number returned). Set by the platform, never by a maker.",
  "x-ms-summary": "Trigger state",
});

/** The 200 body: the messages, one flow run each. */
const TriggerMessages = Type.Array(ReceivedMessage, { description: "The messages, in sequence order.", "x-ms-summary": "Messages" });

const PLATFORM_STATE =
  "The engine polls the Location URL of the previous response as given, so the trigger state travels in it; a maker is never asked for it.";

/**
 * WhenMessagesArriveIn{Queue,Subscription}[AutoComplete]: the contract entry plus `receiveMode`, which
 * the trigger's handler receives with.
 */
export function messagesArriveTrigger(source: ReceiverSourceSpec, mode: TriggerMode) {
  const entityWord = source.target === "queue" ? "queue" : "subscription";
  const guarantee =
    mode === "peekLock"
      ? "Each message arrives peek-locked with its lockToken: complete it when the flow has processed it, or abandon, defer or dead-letter it, before the lock expires (renew the lock for long runs). " +
        "A message whose lock expires is delivered again, so processing is at least once."
      : "Messages are removed from the entity as the trigger returns them (receive and delete), so a flow run that fails loses its message: delivery is at most once. " +
        "Use it only for data you can afford to lose, such as telemetry; use the peek-lock trigger for business events.";
  const sessions =
    mode === "peekLock"
      ? `On a session-enabled ${entityWord} (detected, nothing to set) each poll takes the next available session and returns messages of that session only, in order, each with its sessionId; ` +
        "this instance of the API holds the session so the flow can settle them (give the message's sessionId to the settle actions). " +
        "A held session is offered to later polls once it is closed with the close session action or goes unused for the idle time (60 seconds by default)."
      : `On a session-enabled ${entityWord} (detected, nothing to set) each poll takes the next available session, removes and returns messages of that session only, in order, each with its sessionId, ` +
        "and releases the session at once.";
  const operation = defineOperation({
    operationId: `WhenMessagesArriveIn${source.target === "queue" ? "Queue" : "Subscription"}${mode === "autoComplete" ? "AutoComplete" : ""}`,
    method: "get",
    path: `${source.pathPrefix}/triggers/${mode === "peekLock" ? "peek-lock" : "auto-complete"}`,
    summary: `When messages arrive in ${source.noun} (${mode === "peekLock" ? "peek lock" : "auto complete"})`,
    description:
      `This operation triggers when messages arrive in the ${entityWord}, starting one flow run per message. ${guarantee} ` +
      "Each poll returns up to maxMessages messages; while none are waiting it answers 202 and the platform polls again after Retry-After seconds. " +
      "Business events come with their typed event; choose the event type to use its fields in the flow. " +
      sessions,
    tags: [source.tag],
    request: {
      params: source.params,
      query: Type.Object({
        maxMessages: maxMessagesParam(TRIGGER_DEFAULT_MAX_MESSAGES),
        eventType: Type.Optional(TriggerEventTypeParam),
        [TRIGGER_STATE_PARAMETER]: Type.Optional(TriggerStateParam),
      }),
    },
    success: { status: 200, description: "Messages arrived: one flow run per message.", schema: TriggerMessages, headers: POLL_HEADERS },
    pending: { status: 202, description: "No message is waiting; poll the Location URL again after Retry-After seconds.", headers: POLL_HEADERS },
    problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "EventTypeNotFound"],
    auth: { scopes: ["listen"], entity: source.target },
    connector: {
      visibility: mode === "peekLock" ? "important" : "advanced",
      parameters: {
        ...receiverPickers(source.target),
        maxMessages: { visibility: "advanced" },
        // Event types are allowed per queue or topic; a subscription's are its topic's.
        eventType: eventTypePicker(source.target === "queue" ? "queue" : "topic"),
        [TRIGGER_STATE_PARAMETER]: { excludeFromConnector: PLATFORM_STATE },
      },
      dynamicSchemas: { "response/event/data": EVENT_DATA_SCHEMA },
      trigger: { type: "batch", metadata: { kind: "query", mode: "polling" }, hint: `To see it work, send a message to the ${entityWord}.` },
    },
  });
  return { ...operation, receiveMode: RECEIVE_MODES[mode] };
}

/** The four triggers. */
export function triggerOperations(queue: ReceiverSourceSpec, subscription: ReceiverSourceSpec) {
  return {
    queuePeekLock: messagesArriveTrigger(queue, "peekLock"),
    queueAutoComplete: messagesArriveTrigger(queue, "autoComplete"),
    subscriptionPeekLock: messagesArriveTrigger(subscription, "peekLock"),
    subscriptionAutoComplete: messagesArriveTrigger(subscription, "autoComplete"),
  };
}
