/**
 * The message JSON callers see: bodies decoded, durations in seconds, sequence numbers
 * as strings, dates as ISO-8601 UTC, delivery counts counting the current attempt.
 */
import { Type } from "@sinclair/typebox";
import type { Static } from "@sinclair/typebox";
import { ApplicationPropertyValue, SequenceNumber, stringEnum } from "./common.js";

/** How `body` is carried in JSON. */
export const BodyEncoding = stringEnum(["json", "text", "base64"] as const, {
  description: "How body is written: json (a JSON value, the default for JSON content types), text (a string) or base64 (binary bytes, base64-encoded).",
  "x-ms-summary": "Body encoding",
});

/** Application property values Service Bus carries and JSON can express. */
export const ApplicationProperties = Type.Object(
  {},
  {
    additionalProperties: ApplicationPropertyValue,
    description: "Custom properties of the message, as names and values. Topic rules can filter on them.",
    "x-ms-summary": "Application properties",
  },
);

const id = (summary: string, description: string) => Type.String({ maxLength: 128, description, "x-ms-summary": summary });

/** Fields a caller may set on a message, shared by input and output. */
const messageFields = {
  body: Type.Unknown({
    description: "The message body. A JSON object, array or value for JSON content, a string for text, or a base64 string when bodyEncoding is base64.",
    "x-ms-summary": "Body",
  }),
  bodyEncoding: Type.Optional(BodyEncoding),
  contentType: Type.Optional(
    Type.String({ maxLength: 256, description: "The MIME type of the body, such as application/json.", "x-ms-summary": "Content type" }),
  ),
  messageId: Type.Optional(
    id("Message ID", "The message identifier. Use a stable value derived from the business key so that duplicate detection catches retried sends."),
  ),
  correlationId: Type.Optional(id("Correlation ID", "An identifier that relates the message to a conversation or a flow run.")),
  subject: Type.Optional(Type.String({ maxLength: 256, description: "An application-specific label (Label in older SDKs).", "x-ms-summary": "Subject" })),
  sessionId: Type.Optional(id("Session ID", "The session the message belongs to, on entities that require sessions.")),
  replyTo: Type.Optional(Type.String({ maxLength: 256, description: "The address to reply to.", "x-ms-summary": "Reply to" })),
  replyToSessionId: Type.Optional(id("Reply to session ID", "The session to reply to.")),
  to: Type.Optional(Type.String({ maxLength: 256, description: "The intended destination, for auto-forwarding scenarios.", "x-ms-summary": "To" })),
  timeToLiveSeconds: Type.Optional(
    Type.Number({
      minimum: 1,
      maximum: 10 * 365 * 24 * 3600,
      description: "How long the message lives before it expires, in seconds (at least 1).",
      "x-ms-summary": "Time to live (seconds)",
    }),
  ),
  applicationProperties: Type.Optional(ApplicationProperties),
};

/** A message to send. */
export const OutgoingMessage = Type.Object(
  {
    ...messageFields,
    scheduledEnqueueTimeUtc: Type.Optional(
      Type.String({
        format: "date-time",
        description: "When the message becomes visible to receivers (ISO 8601). Omit to enqueue it now.",
        "x-ms-summary": "Scheduled enqueue time (UTC)",
      }),
    ),
  },
  { additionalProperties: false, description: "A message to send." },
);

/** A business event read from a message: the envelope, with `data` typed by the event type's contract. */
export const ReceivedEvent = Type.Object(
  {
    eventType: Type.String({ description: "The event type, such as OrderSubmitted.", "x-ms-summary": "Event type" }),
    schemaVersion: Type.Integer({ description: "The version of the event type's contract.", "x-ms-summary": "Schema version" }),
    messageId: Type.String({ description: "The event's stable message id.", "x-ms-summary": "Event message ID" }),
    correlationId: Type.String({ description: "The correlation id the event carries.", "x-ms-summary": "Event correlation ID" }),
    source: Type.String({ description: "The system that sent the event.", "x-ms-summary": "Event source" }),
    occurredUtc: Type.String({ description: "When the business event happened.", "x-ms-summary": "Occurred at (UTC)" }),
    data: Type.Object({}, { additionalProperties: true, description: "The event's data, as its contract describes it.", "x-ms-summary": "Event data" }),
  },
  {
    additionalProperties: false,
    description: "Present when the message is a business event of the catalog (its body is an event envelope).",
    "x-ms-summary": "Event",
  },
);

/** The message JSON of a peeked or received message. */
export const ReceivedMessage = Type.Object(
  {
    ...messageFields,
    bodyEncoding: BodyEncoding,
    sequenceNumber: SequenceNumber,
    lockToken: Type.Optional(
      Type.String({ format: "uuid", description: "The lock token to settle the message with (peek-lock only).", "x-ms-summary": "Lock token" }),
    ),
    lockedUntilUtc: Type.Optional(Type.String({ format: "date-time", description: "When the lock expires.", "x-ms-summary": "Locked until (UTC)" })),
    deliveryCount: Type.Integer({
      minimum: 0,
      description: "How many times the message has been delivered, counting this delivery (1 on the first). For peeked messages, the deliveries so far.",
      "x-ms-summary": "Delivery count",
    }),
    enqueuedTimeUtc: Type.Optional(
      Type.String({ format: "date-time", description: "When Service Bus accepted the message.", "x-ms-summary": "Enqueued time (UTC)" }),
    ),
    scheduledEnqueueTimeUtc: Type.Optional(
      Type.String({ format: "date-time", description: "When a scheduled message becomes visible.", "x-ms-summary": "Scheduled enqueue time (UTC)" }),
    ),
    expiresAtUtc: Type.Optional(Type.String({ format: "date-time", description: "When the message expires.", "x-ms-summary": "Expires at (UTC)" })),
    deadLetterReason: Type.Optional(Type.String({ description: "Why the message was dead-lettered.", "x-ms-summary": "Dead-letter reason" })),
    deadLetterErrorDescription: Type.Optional(
      Type.String({ description: "The description given when the message was dead-lettered.", "x-ms-summary": "Dead-letter error description" }),
    ),
    deadLetterSource: Type.Optional(
      Type.String({ description: "The entity the message was dead-lettered from, when it was forwarded.", "x-ms-summary": "Dead-letter source" }),
    ),
    state: stringEnum(["active", "deferred", "scheduled"] as const, { description: "The state of the message.", "x-ms-summary": "State" }),
    event: Type.Optional(ReceivedEvent),
    contractErrors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            field: Type.String({ description: "A JSON Pointer into the envelope.", "x-ms-summary": "Field" }),
            message: Type.String({ description: "What is wrong with it.", "x-ms-summary": "Problem" }),
          },
          { additionalProperties: false },
        ),
        {
          description:
            "Present when the message is a business event that does not match its contract; the message is still returned so it can be dead-lettered or fixed.",
          "x-ms-summary": "Contract errors",
        },
      ),
    ),
  },
  { additionalProperties: false, description: "A message." },
);

/** `{ messages: [...] }`, the output of peek and receive. */
export const MessageList = Type.Object(
  { messages: Type.Array(ReceivedMessage, { description: "The messages, in sequence order.", "x-ms-summary": "Messages" }) },
  { additionalProperties: false },
);

/** A message to send, as TypeScript. */
export type OutgoingMessageJson = Static<typeof OutgoingMessage>;
/** A peeked or received message, as TypeScript. */
export type ReceivedMessageJson = Static<typeof ReceivedMessage>;
