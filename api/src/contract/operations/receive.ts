/** Peek and receive operations, declared once per receivable entity kind (queue, subscription). */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import { MaxWaitSecondsParam, SequenceNumber, SequenceNumbers, SubQueueParam, maxMessagesParam, stringEnum } from "../schemas/common.js";
import { MessageList } from "../schemas/message.js";
import type { ReceiverSourceSpec } from "./receiver-source.js";

const receiveProblems = [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound"] as const;

/** PeekMessagesIn{Queue,Subscription}. */
export function peekMessagesOperation(source: ReceiverSourceSpec) {
  return defineOperation({
    operationId: `PeekMessages${source.inSuffix}`,
    method: "get",
    path: `${source.pathPrefix}/peek`,
    summary: `Peek messages in ${source.noun}`,
    description:
      "Returns messages without locking or removing them, from the head or from a sequence number, in the main queue or its dead-letter sub-queue. " +
      "Peeked messages cannot be settled.",
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
      }),
    },
    success: { status: 200, description: "The messages (an empty list when there are none).", schema: MessageList },
    problems: [...receiveProblems],
    auth: { scopes: ["listen"], entity: source.target },
    connector: { visibility: "important" },
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
      "or abandon, defer or dead-letter it. In receiveAndDelete mode messages are removed as they are returned, so a failure loses them: use it only for data you can afford to lose, such as telemetry.",
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
      }),
    },
    success: { status: 200, description: "The messages (an empty list when none arrived in time).", schema: MessageList },
    problems: [...receiveProblems],
    auth: { scopes: ["listen"], entity: source.target },
    connector: { visibility: "important" },
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
      "Receives deferred messages by their sequence numbers and locks them. Settle them with their lock tokens like any received message.",
    tags: [source.tag],
    request: {
      params: source.params,
      query: Type.Object({ subQueue: Type.Optional(SubQueueParam) }),
      body: Type.Object({ sequenceNumbers: SequenceNumbers }, { additionalProperties: false }),
    },
    success: { status: 200, description: "The deferred messages.", schema: MessageList },
    problems: [...receiveProblems, "MessageNotFound"],
    auth: { scopes: ["listen"], entity: source.target },
    connector: { visibility: "advanced" },
  });
}
