/**
 * Converts SDK messages to the API's message JSON. The one place where `deliveryCount` is converted:
 * the JS SDK reports the number of earlier deliveries (0 on the first), while callers see attempts
 * counting the current one (1 on the first), as the portal and .NET report it.
 */
import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import { decodeDataBody, decodeValueBody, toJsonValue } from "./body-codec.js";
import type { DecodedBody } from "./body-codec.js";
import { withoutDeadLetterProperties } from "./dead-letter-properties.js";

/** How the message was obtained: locked or removed by a receive, or only looked at by a peek. */
export type MessageOrigin = "received" | "peeked";

/**
 * Delivery count for callers. A received message counts the current delivery (SDK value + 1); a peeked
 * message is not being delivered, so it shows the deliveries so far (the SDK value), as .NET does.
 */
export function deliveryCountForCaller(sdkDeliveryCount: number | undefined, origin: MessageOrigin): number {
  const earlier = sdkDeliveryCount ?? 0;
  return origin === "received" ? earlier + 1 : earlier;
}

/** Time to live in seconds, omitted when the message never expires (TimeSpan.MaxValue or absent). */
export function timeToLiveSeconds(timeToLiveInMs: number | undefined): number | undefined {
  if (timeToLiveInMs === undefined || !Number.isFinite(timeToLiveInMs) || timeToLiveInMs <= 0) return undefined;
  if (timeToLiveInMs >= 10 * 365 * 24 * 3600 * 1000) return undefined;
  return timeToLiveInMs / 1000;
}

function decodeBody(message: ServiceBusReceivedMessage): DecodedBody {
  // Receivers are created with skipParsingBodyAsJson, so `body` holds the section's content as sent
  // (bytes for data sections); `_rawAmqpMessage.body` may still be the rhea section wrapper.
  const raw = message._rawAmqpMessage;
  const body: unknown = message.body;
  if (raw.bodyType === "data" || raw.bodyType === undefined) {
    if (Buffer.isBuffer(body) || body instanceof Uint8Array) return decodeDataBody(body, message.contentType);
    return decodeValueBody(body);
  }
  return decodeValueBody(body);
}

function applicationProperties(message: ServiceBusReceivedMessage): Record<string, string | number | boolean> | undefined {
  const properties = withoutDeadLetterProperties(message.applicationProperties);
  if (!properties) return undefined;
  const result: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(properties)) {
    const json = toJsonValue(value);
    result[name] = typeof json === "string" || typeof json === "number" || typeof json === "boolean" ? json : JSON.stringify(json);
  }
  return result;
}

function iso(date: Date | undefined): string | undefined {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/** Drops undefined members so responses carry only what is known. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** The message JSON of a received or peeked SDK message. */
export function toMessageJson(message: ServiceBusReceivedMessage, origin: MessageOrigin): ReceivedMessageJson {
  const { body, bodyEncoding } = decodeBody(message);
  const scheduled = message.scheduledEnqueueTimeUtc;
  return compact({
    body,
    bodyEncoding,
    contentType: message.contentType,
    messageId: message.messageId === undefined ? undefined : String(message.messageId),
    correlationId: message.correlationId === undefined ? undefined : String(message.correlationId),
    subject: message.subject,
    sessionId: message.sessionId,
    replyTo: message.replyTo,
    replyToSessionId: message.replyToSessionId,
    to: message.to,
    timeToLiveSeconds: timeToLiveSeconds(message.timeToLive),
    applicationProperties: applicationProperties(message),
    sequenceNumber: message.sequenceNumber === undefined ? "0" : message.sequenceNumber.toString(),
    lockToken: origin === "received" ? message.lockToken : undefined,
    lockedUntilUtc: origin === "received" && message.lockToken ? iso(message.lockedUntilUtc) : undefined,
    deliveryCount: deliveryCountForCaller(message.deliveryCount, origin),
    enqueuedTimeUtc: iso(message.enqueuedTimeUtc),
    scheduledEnqueueTimeUtc: scheduled && scheduled.getTime() > 0 ? iso(scheduled) : undefined,
    expiresAtUtc: iso(message.expiresAtUtc),
    deadLetterReason: message.deadLetterReason,
    deadLetterErrorDescription: message.deadLetterErrorDescription,
    deadLetterSource: message.deadLetterSource,
    state: message.state,
  });
}
