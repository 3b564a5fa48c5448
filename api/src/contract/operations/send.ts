/** Send family: send one, send a batch, schedule, cancel scheduled. */
import { Type } from "@sinclair/typebox";
import { PICKERS } from "../pickers.js";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import type { PropertyHint } from "../operation.js";
import { EntityParam, SequenceNumber, SequenceNumbers } from "../schemas/common.js";
import { OutgoingMessage } from "../schemas/message.js";

const params = Type.Object({ entity: EntityParam });
const sendProblems = [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "MessageSizeExceeded", "SessionIdRequired"] as const;

/** The largest number of messages in one SendMessages or ScheduleMessages request. */
export const MAX_MESSAGES_PER_SEND = 500;

/** Connector visibility of the fields of an outgoing message at `prefix` (e.g. `body`, `body/messages`). */
function outgoingMessageHints(prefix: string): Record<string, PropertyHint> {
  const hints: Record<string, PropertyHint> = {};
  for (const field of ["body", "contentType", "messageId"]) hints[`${prefix}/${field}`] = { visibility: "important" };
  for (const field of ["bodyEncoding", "replyTo", "replyToSessionId", "to", "timeToLiveSeconds", "scheduledEnqueueTimeUtc"]) {
    hints[`${prefix}/${field}`] = { visibility: "advanced" };
  }
  return hints;
}

const sendParameters = { entity: PICKERS.entity };

const messageIdOutput = Type.String({ description: "The message identifier, generated when none was given.", "x-ms-summary": "Message ID" });

/** SendMessage. */
export const sendMessage = defineOperation({
  operationId: "SendMessage",
  method: "post",
  path: "/entities/{entity}/messages",
  summary: "Send a message",
  description: "Sends one message to a queue or topic. The message is durable once this returns. When no message id is given, one is generated and returned.",
  tags: ["Send"],
  request: { params, body: OutgoingMessage },
  success: {
    status: 201,
    description: "The message was sent.",
    schema: Type.Object({ messageId: messageIdOutput }, { additionalProperties: false }),
  },
  problems: [...sendProblems],
  auth: { scopes: ["send"], entity: "send" },
  connector: { visibility: "important", parameters: sendParameters, properties: outgoingMessageHints("body"), bodySummary: "Message" },
});

/** SendMessages. */
export const sendMessages = defineOperation({
  operationId: "SendMessages",
  method: "post",
  path: "/entities/{entity}/messages/batch",
  summary: "Send a batch of messages",
  description:
    "Sends several messages to a queue or topic in as few Service Bus batches as their size allows; each batch is stored all or nothing. " +
    "If a batch fails after others were sent, the problem response lists the sent messages in sentMessageIds, so a retry can skip them.",
  tags: ["Send"],
  request: {
    params,
    body: Type.Object(
      {
        messages: Type.Array(OutgoingMessage, {
          minItems: 1,
          maxItems: MAX_MESSAGES_PER_SEND,
          description: "The messages to send, in order.",
          "x-ms-summary": "Messages",
        }),
      },
      { additionalProperties: false },
    ),
  },
  success: {
    status: 201,
    description: "All messages were sent.",
    schema: Type.Object(
      {
        messageIds: Type.Array(messageIdOutput, { description: "The message identifiers, in request order.", "x-ms-summary": "Message IDs" }),
        batchCount: Type.Integer({ minimum: 1, description: "How many Service Bus batches were used.", "x-ms-summary": "Batch count" }),
      },
      { additionalProperties: false },
    ),
  },
  problems: [...sendProblems],
  auth: { scopes: ["send"], entity: "send" },
  connector: { visibility: "advanced", parameters: sendParameters, properties: outgoingMessageHints("body/messages"), bodySummary: "Messages" },
});

/** ScheduleMessages. */
export const scheduleMessages = defineOperation({
  operationId: "ScheduleMessages",
  method: "post",
  path: "/entities/{entity}/scheduled-messages",
  summary: "Schedule messages",
  description: "Schedules messages to appear in a queue or topic at a given time. Returns their sequence numbers, which can cancel them before that time.",
  tags: ["Send"],
  request: {
    params,
    body: Type.Object(
      {
        scheduledEnqueueTimeUtc: Type.String({
          format: "date-time",
          description: "When the messages become visible to receivers (ISO 8601).",
          "x-ms-summary": "Scheduled enqueue time (UTC)",
        }),
        messages: Type.Array(OutgoingMessage, {
          minItems: 1,
          maxItems: MAX_MESSAGES_PER_SEND,
          description: "The messages to schedule.",
          "x-ms-summary": "Messages",
        }),
      },
      { additionalProperties: false },
    ),
  },
  success: {
    status: 201,
    description: "The messages were scheduled.",
    schema: Type.Object(
      {
        sequenceNumbers: Type.Array(SequenceNumber, {
          description: "Sequence numbers of the scheduled messages, in request order.",
          "x-ms-summary": "Sequence numbers",
        }),
      },
      { additionalProperties: false },
    ),
  },
  problems: [...sendProblems],
  auth: { scopes: ["send"], entity: "send" },
  connector: {
    visibility: "advanced",
    parameters: sendParameters,
    properties: { ...outgoingMessageHints("body/messages"), "body/scheduledEnqueueTimeUtc": { visibility: "important" } },
    bodySummary: "Scheduled messages",
  },
});

/** CancelScheduledMessages. */
export const cancelScheduledMessages = defineOperation({
  operationId: "CancelScheduledMessages",
  method: "post",
  path: "/entities/{entity}/scheduled-messages/cancel",
  summary: "Cancel scheduled messages",
  description: "Cancels scheduled messages by their sequence numbers. Sequence numbers that are not scheduled are ignored.",
  tags: ["Send"],
  request: { params, body: Type.Object({ sequenceNumbers: SequenceNumbers }, { additionalProperties: false }) },
  success: { status: 204, description: "The messages were cancelled." },
  problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound"],
  auth: { scopes: ["send"], entity: "send" },
  connector: { visibility: "advanced", parameters: sendParameters, bodySummary: "Scheduled messages to cancel" },
});
