/** Dead-letter operations: resubmit dead-lettered messages to their entity. */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
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
      "Select messages by sequence numbers, or take the first maxMessages. Copies keep the body, message id and properties; on entities with duplicate detection, a copy whose message id is still inside the detection window is discarded by Service Bus. " +
      (source.target === "queue"
        ? "Needs an API key with the scopes listen and send on the queue."
        : "Needs an API key with the scopes listen and send whose allow-list covers the topic, not only this subscription: the copies are sent to the topic."),
    tags: [source.tag],
    request: {
      params: source.params,
      body: Type.Object(
        {
          sequenceNumbers: Type.Optional(SequenceNumbers),
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
                messageId: Type.Optional(Type.String({ description: "The message identifier.", "x-ms-summary": "Message ID" })),
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
    connector: { visibility: "advanced" },
  });
}
