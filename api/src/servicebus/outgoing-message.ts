/** Converts the API's message JSON to SDK messages. */
import { randomUUID } from "node:crypto";
import type { ServiceBusMessage, ServiceBusReceivedMessage } from "@azure/service-bus";
import type { OutgoingMessageJson } from "../contract/schemas/message.js";
import { BodyEncodingError, encodeBody } from "./body-codec.js";
import { withoutDeadLetterProperties } from "./dead-letter-properties.js";
import { ORIGINAL_MESSAGE_ID_PROPERTY, resubmitMessageId } from "./resubmit-id.js";
import { GatewayError } from "./gateway-error.js";

/**
 * The SDK message for a caller's message. A message without an id gets a new UUID, so the caller
 * learns the id and can retry with it.
 *
 * @param messageIndex - the message's place in a list of messages, for error reports; undefined for a message sent alone.
 * @throws GatewayError invalidMessage when the body does not fit its encoding or content type.
 */
export function toServiceBusMessage(message: OutgoingMessageJson, messageIndex?: number, newId: () => string = randomUUID): ServiceBusMessage {
  let encoded;
  try {
    encoded = encodeBody(message.body, message.bodyEncoding, message.contentType);
  } catch (error) {
    if (error instanceof BodyEncodingError) {
      throw new GatewayError({ kind: "invalidMessage", messageIndex, field: error.field, reason: error.message }, { cause: error });
    }
    throw error;
  }
  const result: ServiceBusMessage = {
    body: encoded.bytes,
    contentType: encoded.contentType,
    messageId: message.messageId ?? newId(),
  };
  if (message.correlationId !== undefined) result.correlationId = message.correlationId;
  if (message.subject !== undefined) result.subject = message.subject;
  if (message.sessionId !== undefined) result.sessionId = message.sessionId;
  if (message.replyTo !== undefined) result.replyTo = message.replyTo;
  if (message.replyToSessionId !== undefined) result.replyToSessionId = message.replyToSessionId;
  if (message.to !== undefined) result.to = message.to;
  if (message.timeToLiveSeconds !== undefined) result.timeToLive = Math.round(message.timeToLiveSeconds * 1000);
  if (message.scheduledEnqueueTimeUtc !== undefined) result.scheduledEnqueueTimeUtc = new Date(message.scheduledEnqueueTimeUtc);
  if (message.applicationProperties !== undefined) result.applicationProperties = { ...message.applicationProperties };
  return result;
}

/** Options of {@link copyForResubmit}. */
export interface ResubmitCopyOptions {
  /** Keep the dead letter's message id (on an entity with duplicate detection the copy is then discarded while the id is inside the window). */
  keepMessageId: boolean;
  /** The subscription whose dead letter it is, for subscriptions. */
  subscription?: string;
}

/**
 * A copy of a dead-lettered message for resubmission: same body bytes and properties, without the
 * broker-assigned state and the dead-letter reason. Unless told to keep it, the copy gets a new message id
 * derived from the original id and the dead letter's sequence number ({@link resubmitMessageId}), and keeps
 * the original id in the application property `OriginalMessageId`.
 */
export function copyForResubmit(message: ServiceBusReceivedMessage, { keepMessageId, subscription }: ResubmitCopyOptions): ServiceBusMessage {
  // Data bodies (bytes, as the receiver skips JSON parsing) are resent byte for byte; AMQP value and
  // sequence bodies (rare, from other clients) are resent as JSON data.
  const copy: ServiceBusMessage = { body: message.body };
  const fields = ["contentType", "messageId", "correlationId", "subject", "sessionId", "replyTo", "replyToSessionId", "to", "timeToLive"] as const;
  for (const field of fields) {
    const value = message[field];
    if (value !== undefined) Object.assign(copy, { [field]: value });
  }
  const properties = withoutDeadLetterProperties(message.applicationProperties) ?? {};
  if (!keepMessageId) {
    const earlier = properties[ORIGINAL_MESSAGE_ID_PROPERTY];
    const originalMessageId = typeof earlier === "string" ? earlier : message.messageId === undefined ? undefined : String(message.messageId);
    copy.messageId = resubmitMessageId({
      originalMessageId,
      deadLetterSequenceNumber: String(message.sequenceNumber),
      ...(subscription === undefined ? {} : { subscription }),
    });
    if (originalMessageId !== undefined) properties[ORIGINAL_MESSAGE_ID_PROPERTY] = originalMessageId;
  }
  if (Object.keys(properties).length > 0) copy.applicationProperties = properties;
  return copy;
}
