/** Peek and receive operations, declared once per receivable entity kind (queue, subscription). */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import { SUB_QUEUE_TITLES, receiverPickers } from "../pickers.js";
import {
  MaxWaitSecondsParam,
  NEXT_AVAILABLE_SESSION,
  SequenceNumber,
  SequenceNumbers,
  SubQueueParam,
  maxMessagesParam,
  stringEnum,
} from "../schemas/common.js";
import { MessageList, ReceivedMessage } from "../schemas/message.js";
import type { ReceiverSourceSpec } from "./receiver-source.js";

const receiveProblems = [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound"] as const;

/** `sessionId` on peek: only that session's messages. */
const peekSessionIdParam = Type.String({
  minLength: 1,
  maxLength: 128,
  description:
    "Only the messages of this session (session-enabled entities only). Peeking a session needs its lock for the moment of the peek: " +
    "it is refused with 409 when another receiver holds the session, unless this instance of the API holds it.",
  "x-ms-summary": "Session ID",
});

/** `sessionId` on a deferred receive: the session the deferred messages belong to. */
const deferredSessionIdParam = Type.String({
  minLength: 1,
  maxLength: 128,
  description:
    "The session of the deferred messages (session-enabled entities only): they are received through it, on whichever instance of this API holds it.",
  "x-ms-summary": "Session ID",
});

/** `sessionId` on receive: a session id, or `*` for the next available session. */
const receiveSessionIdParam = Type.String({
  minLength: 1,
  maxLength: 128,
  description:
    `Required on session-enabled entities, not allowed on others. A session id receives that session's messages; ${NEXT_AVAILABLE_SESSION} receives from the next available session. ` +
    "The session is then held by this API and its messages are settled like any others.",
  "x-ms-summary": "Session ID",
});

/** The output of a receive: the messages and, for session receives, the session. */
const ReceiveResult = Type.Object(
  {
    messages: Type.Array(ReceivedMessage, { description: "The messages, in sequence order.", "x-ms-summary": "Messages" }),
    sessionId: Type.Optional(
      Type.String({
        description: "The session received from (session receives only; absent when no session was available).",
        "x-ms-summary": "Session ID",
      }),
    ),
    sessionLockedUntilUtc: Type.Optional(
      Type.String({
        format: "date-time",
        description: "When the session lock expires unless the session is used or renewed.",
        "x-ms-summary": "Session locked until (UTC)",
      }),
    ),
  },
  { additionalProperties: false },
);

/** PeekMessagesIn{Queue,Subscription}. */
export function peekMessagesOperation(source: ReceiverSourceSpec) {
  return defineOperation({
    operationId: `PeekMessages${source.inSuffix}`,
    method: "get",
    path: `${source.pathPrefix}/peek`,
    summary: `Peek messages in ${source.noun}`,
    description:
      "Returns messages without locking or removing them, from the head or from a sequence number, in the main queue or its dead-letter sub-queue. " +
      "Peeked messages cannot be settled. On session-enabled entities, sessionId peeks one session's messages.",
    tags: [source.tag],
    request: {
      params: source.params,
      query: Type.Object({
        maxMessages: maxMessagesParam(10),
        fromSequenceNumber: Type.Optional({
          ...SequenceNumber,
          description: "The sequence number to start from. Omit to start at the first message.",
          "x-ms-summary": "From sequence number",
        }),
        subQueue: Type.Optional(SubQueueParam),
        sessionId: Type.Optional(peekSessionIdParam),
      }),
    },
    success: { status: 200, description: "The messages (an empty list when there are none).", schema: MessageList },
    problems: [...receiveProblems, "SessionCannotBeLocked"],
    auth: { scopes: ["listen"], entity: source.target },
    connector: {
      visibility: "important",
      parameters: {
        ...receiverPickers(source.target),
        maxMessages: { visibility: "important" },
        subQueue: { visibility: "important", enumTitles: SUB_QUEUE_TITLES },
        fromSequenceNumber: { visibility: "advanced" },
      },
    },
  });
}

/** ReceiveMessagesFrom{Queue,Subscription}. */
export function receiveMessagesOperation(source: ReceiverSourceSpec) {
  return defineOperation({
    operationId: `ReceiveMessages${source.fromSuffix}`,
    method: "post",
    path: `${source.pathPrefix}/receive`,
    summary: `Receive messages from ${source.noun}`,
    description:
      "Receives messages. In peekLock mode (the default) each message is locked and returned with a lock token; complete it when it is processed, " +
      "or abandon, defer or dead-letter it. In receiveAndDelete mode messages are removed as they are returned, so a failure loses them: use it only for data you can afford to lose, such as telemetry. " +
      `On session-enabled entities give sessionId: a session id receives that session's messages in order, and ${NEXT_AVAILABLE_SESSION} takes the next session no other receiver holds (the response names it; it has no session and no messages when none is available in time). ` +
      "Session receives are peek-lock only. The session is held by this instance of the API, which keeps its lock, until it is closed with the close session operation or goes unused for the configured idle time (60 seconds by default); " +
      "its messages must be settled through the same instance. Another receiver holding the session gives 409.",
    tags: [source.tag],
    request: {
      params: source.params,
      query: Type.Object({
        maxMessages: maxMessagesParam(10),
        maxWaitSeconds: Type.Optional(MaxWaitSecondsParam),
        receiveMode: Type.Optional(
          stringEnum(["peekLock", "receiveAndDelete"] as const, {
            default: "peekLock",
            description: "peekLock (the default) locks messages until they are settled; receiveAndDelete removes them at once.",
            "x-ms-summary": "Receive mode",
          }),
        ),
        subQueue: Type.Optional(SubQueueParam),
        sessionId: Type.Optional(receiveSessionIdParam),
      }),
    },
    success: { status: 200, description: "The messages (an empty list when none arrived in time).", schema: ReceiveResult },
    problems: [...receiveProblems, "SessionCannotBeLocked", "SessionLockLost"],
    auth: { scopes: ["listen"], entity: source.target },
    connector: {
      visibility: "important",
      parameters: {
        ...receiverPickers(source.target),
        maxMessages: { visibility: "important" },
        maxWaitSeconds: { visibility: "advanced" },
        receiveMode: { visibility: "advanced", enumTitles: { peekLock: "Peek-lock", receiveAndDelete: "Receive and delete" } },
        subQueue: { visibility: "advanced", enumTitles: SUB_QUEUE_TITLES },
      },
    },
  });
}

/** ReceiveDeferredMessagesFrom{Queue,Subscription}. */
export function receiveDeferredMessagesOperation(source: ReceiverSourceSpec) {
  return defineOperation({
    operationId: `ReceiveDeferredMessages${source.fromSuffix}`,
    method: "post",
    path: `${source.pathPrefix}/deferred/receive`,
    summary: `Receive deferred messages from ${source.noun}`,
    description:
      "Receives deferred messages by their sequence numbers and locks them. Settle them with their lock tokens like any received message. " +
      "On session-enabled entities give the messages' sessionId: deferred messages of a session are received through the session, which is then held like a session receive.",
    tags: [source.tag],
    request: {
      params: source.params,
      query: Type.Object({ subQueue: Type.Optional(SubQueueParam), sessionId: Type.Optional(deferredSessionIdParam) }),
      body: Type.Object({ sequenceNumbers: SequenceNumbers }, { additionalProperties: false }),
    },
    success: { status: 200, description: "The deferred messages.", schema: MessageList },
    problems: [...receiveProblems, "MessageNotFound"],
    auth: { scopes: ["listen"], entity: source.target },
    connector: {
      visibility: "advanced",
      parameters: { ...receiverPickers(source.target), subQueue: { visibility: "advanced", enumTitles: SUB_QUEUE_TITLES } },
    },
  });
}
