/** Schemas shared by many operations: entity names, lock tokens, sequence numbers, limits. */
import { Type } from "@sinclair/typebox";
import type { SchemaOptions } from "@sinclair/typebox";
import type { LockToken } from "../lock-token.js";

/**
 * A string enum as `{ type: "string", enum: [...] }`, which OpenAPI 3.0 and Swagger 2.0 understand
 * (TypeBox's literal unions use `const`, which they do not).
 */
export function stringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: "string", enum: [...values] });
}

/** Service Bus entity names: letters, digits, periods, hyphens, underscores and slashes, up to 260 characters. */
const ENTITY_NAME_PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$";

function entityName(summary: string, description: string) {
  return Type.String({ pattern: ENTITY_NAME_PATTERN, minLength: 1, maxLength: 260, description, "x-ms-summary": summary });
}

/** `entity`: a queue or topic to send to. */
export const EntityParam = entityName("Queue or topic", "The name of the queue or topic.");
/** `queue`. */
export const QueueParam = entityName("Queue", "The name of the queue.");
/** `topic`. */
export const TopicParam = entityName("Topic", "The name of the topic.");
/** `subscription`: a subscription name (without its topic). */
export const SubscriptionParam = Type.String({
  pattern: "^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$",
  minLength: 1,
  maxLength: 50,
  description: "The name of the topic subscription.",
  "x-ms-summary": "Subscription",
});

/** `lockToken`: the lock token of a peek-locked message (a UUID), in lower case once the request is validated. */
export const LockTokenParam = Type.Unsafe<LockToken>(
  Type.String({
    format: "uuid",
    description: "The lock token of the message, as returned when it was received.",
    "x-ms-summary": "Lock token",
  }),
);

/** `sessionId` as a path parameter: a session of a session-enabled queue or subscription. */
export const SessionIdParam = Type.String({
  minLength: 1,
  maxLength: 128,
  description: "The session identifier (for example the business key whose messages must be processed in order).",
  "x-ms-summary": "Session ID",
});

/** The character a `sessionId` query parameter uses for "the next available session". */
export const NEXT_AVAILABLE_SESSION = "*";

/** The largest Service Bus sequence number: the largest signed 64-bit integer. */
export const MAX_SEQUENCE_NUMBER = "9223372036854775807";

/**
 * A regular expression for decimal numbers from 0 to `max` (leading zeros allowed, up to `max`'s length):
 * any shorter number, or one of max's length that is below max at its first differing digit, or max itself.
 */
export function decimalAtMostPattern(max: string): string {
  const branches = [`[0-9]{1,${max.length - 1}}`];
  for (let index = 0; index < max.length; index += 1) {
    const digit = Number(max[index]);
    const rest = max.length - index - 1;
    if (digit > 0) branches.push(`${max.slice(0, index)}[0-${digit - 1}]${rest > 0 ? `[0-9]{${rest}}` : ""}`);
  }
  branches.push(max);
  return `^(?:${branches.join("|")})$`;
}

/**
 * A Service Bus sequence number: a signed 64-bit integer that is never negative, carried as a decimal
 * string. Larger values are refused (the SDK's 64-bit conversion would wrap them around).
 */
export const SequenceNumber = Type.String({
  pattern: decimalAtMostPattern(MAX_SEQUENCE_NUMBER),
  description: "A sequence number assigned by Service Bus (a 64-bit integer, as a string).",
  "x-ms-summary": "Sequence number",
});

/** `sequenceNumbers`: a non-empty list of sequence numbers. */
export const SequenceNumbers = Type.Array(SequenceNumber, {
  minItems: 1,
  maxItems: 100,
  description: "Sequence numbers of the messages, as strings.",
  "x-ms-summary": "Sequence numbers",
});

/** The largest `maxMessages` an operation accepts. */
export const MAX_MESSAGES_PER_REQUEST = 100;

/** `maxMessages`. */
export function maxMessagesParam(defaultValue: number) {
  return Type.Integer({
    minimum: 1,
    maximum: MAX_MESSAGES_PER_REQUEST,
    default: defaultValue,
    description: `The largest number of messages to return (1 to ${MAX_MESSAGES_PER_REQUEST}, default ${defaultValue}).`,
    "x-ms-summary": "Maximum messages",
  });
}

/** `maxWaitSeconds`. */
export const MaxWaitSecondsParam = Type.Number({
  minimum: 0,
  maximum: 60,
  default: 5,
  description: "How long to wait for the first message, in seconds (0 to 60, default 5).",
  "x-ms-summary": "Maximum wait (seconds)",
});

/** `subQueue`: the main queue or its dead-letter sub-queue. */
export const SubQueueParam = stringEnum(["main", "deadLetter"] as const, {
  default: "main",
  description: "Which part of the entity to use: main (the default) or deadLetter (its dead-letter sub-queue).",
  "x-ms-summary": "Sub-queue",
});

/**
 * An application property value: a string, a boolean or a number. AMQP carries a whole number as a 64-bit
 * integer, which the SDK reads back as a number only up to 2^53 (beyond, as raw bytes), and cannot encode at
 * all beyond 64 bits (1e300 used to fail the send as an internal error): numbers are therefore bounded by
 * JavaScript's safe integers, the range JSON, AMQP and the SDK all carry exactly.
 */
export const ApplicationPropertyValue = Type.Union([
  Type.String(),
  Type.Number({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
  Type.Boolean(),
]);

/** Application properties to add or change when settling a message. */
export const PropertiesToModify = Type.Object(
  {},
  {
    additionalProperties: ApplicationPropertyValue,
    description: "Application properties to add or change on the message, as names and values.",
    "x-ms-summary": "Properties to modify",
  },
);
