/** Dead-letter operations: resubmit dead-lettered messages to their entity. */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import { receiverPickers } from "../pickers.js";
import { MAX_MESSAGES_PER_REQUEST, SequenceNumber, SequenceNumbers } from "../schemas/common.js";
import type { ReceiverSourceSpec } from "./receiver-source.js";

/** ResubmitDeadLettersIn{Queue,Subscription}. */
export function resubmitDeadLettersOperation(source: ReceiverSourceSpec) {
  const target = source.target === "queue" ? "the queue" : "the subscription's topic (so every subscription whose rules match receives a copy)";
  return defineOperation({
    operationId: `ResubmitDeadLetters${source.inSuffix}`,
    method: "post",
    path: `${source.pathPrefix}/dead-letters/resubmit`,
    summary: `Resubmit dead letters in ${source.noun}`,
    description:
      `Sends copies of dead-lettered messages back to ${target}, then removes them from the dead-letter sub-queue (at least once: a failure between the two steps can leave a copy in both). ` +
      "Select messages by sequence numbers, or take the first maxMessages. Copies keep the body and properties. " +
      "Each copy gets a new message id derived from the original id and the dead letter's sequence number (at most 128 characters), and the original id in the application property OriginalMessageId: " +
      "so a copy is never discarded as a duplicate of the original by duplicate detection, while resubmitting the same dead letter again (a retry) makes the same id and is caught as a duplicate. " +
      "With keepMessageId, copies keep the original message id instead; on an entity with duplicate detection Service Bus then silently discards a copy whose id is still inside the detection window, and the dead letter is removed anyway: the message is lost. " +
      (source.target === "queue"
        ? "Needs an API key with the scopes listen and send on the queue."
        : "Needs an API key with the scopes listen and send whose allow-list covers the topic, not only this subscription: the copies are sent to the topic."),
    tags: [source.tag],
    request: {
      params: source.params,
      body: Type.Object(
        {
          sequenceNumbers: Type.Optional(SequenceNumbers),
          keepMessageId: Type.Optional(
            Type.Boolean({
              default: false,
              description:
                "Keep each copy's original message id instead of a new one. Risky: on an entity with duplicate detection, a copy whose id is still inside the detection window is discarded by Service Bus and the dead letter is removed anyway, so the message is lost.",
              "x-ms-summary": "Keep message ID",
              "x-ms-visibility": "advanced",
            }),
          ),
          maxMessages: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: MAX_MESSAGES_PER_REQUEST,
              description: `How many messages to resubmit from the head of the dead-letter sub-queue when no sequence numbers are given (default 10, at most ${MAX_MESSAGES_PER_REQUEST}).`,
              "x-ms-summary": "Maximum messages",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      bodyRequired: false,
    },
    success: {
      status: 200,
      description: "The resubmitted messages.",
      schema: Type.Object(
        {
          resubmitted: Type.Array(
            Type.Object(
              {
                sequenceNumber: { ...SequenceNumber, description: "The sequence number the message had in the dead-letter sub-queue." },
                messageId: Type.Optional(Type.String({ description: "The message identifier of the copy.", "x-ms-summary": "Message ID" })),
                originalMessageId: Type.Optional(
                  Type.String({ description: "The message identifier the dead letter had.", "x-ms-summary": "Original message ID" }),
                ),
              },
              { additionalProperties: false },
            ),
            { description: "The messages that were resubmitted.", "x-ms-summary": "Resubmitted" },
          ),
          notFound: Type.Array(SequenceNumber, {
            description: "Requested sequence numbers that were not found in the dead-letter sub-queue.",
            "x-ms-summary": "Not found",
          }),
        },
        { additionalProperties: false },
      ),
    },
    problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "MessageSizeExceeded"],
    auth: { scopes: ["listen", "send"], entity: source.target, sendsBack: true },
    connector: {
      visibility: "advanced",
      parameters: receiverPickers(source.target),
      properties: { "body/sequenceNumbers": { visibility: "important" }, "body/maxMessages": { visibility: "important" } },
    },
  });
}
