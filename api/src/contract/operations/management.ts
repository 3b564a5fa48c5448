/** Management (scope manage): create and delete topic subscriptions, as Microsoft's connector offers. */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import { PICKERS } from "../pickers.js";
import { SubscriptionParam, TopicParam } from "../schemas/common.js";
import { ApplicationProperties } from "../schemas/message.js";

const params = Type.Object({ topic: TopicParam, subscription: SubscriptionParam });

const EXPOSURE_NOTE =
  'Only topics whose configuration exposes all their subscriptions ("*" in the topic\'s subscriptions) allow it, so every subscription created here can be received from through this API. ' +
  "Subscriptions the configuration names are never replaced or deleted here (409 SubscriptionIsConfigured); only those created through the API are.";

const text = (summary: string, description: string, maxLength = 128) => Type.Optional(Type.String({ maxLength, description, "x-ms-summary": summary }));

/** A correlation filter: every property given must equal the message's. */
const CorrelationFilter = Type.Object(
  {
    correlationId: text("Correlation ID", "Matches messages with this correlation identifier."),
    messageId: text("Message ID", "Matches messages with this message identifier."),
    to: text("To", "Matches messages with this To address.", 256),
    replyTo: text("Reply to", "Matches messages with this ReplyTo address.", 256),
    subject: text("Subject", "Matches messages with this subject (label).", 256),
    sessionId: text("Session ID", "Matches messages of this session."),
    replyToSessionId: text("Reply to session ID", "Matches messages with this ReplyToSessionId."),
    contentType: text("Content type", "Matches messages with this content type.", 256),
    applicationProperties: Type.Optional({
      ...ApplicationProperties,
      description: "Matches messages whose application properties have all these values.",
    }),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: "Receive only messages whose properties equal these values (all must match).",
    "x-ms-summary": "Correlation filter",
  },
);

/** CreateSubscription. */
export const createSubscription = defineOperation({
  operationId: "CreateSubscription",
  method: "put",
  path: "/topics/{topic}/subscriptions/{subscription}",
  summary: "Create a topic subscription",
  description:
    "Creates a subscription of a topic, optionally with a rule that selects which messages it receives: a correlation filter or a SQL filter, and an optional SQL action that changes matching messages. " +
    `Without a filter the subscription receives every message sent to the topic. ${EXPOSURE_NOTE} An existing subscription of that name gives 409.`,
  tags: ["Management"],
  request: {
    params,
    body: Type.Object(
      {
        correlationFilter: Type.Optional(CorrelationFilter),
        sqlFilter: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 1024,
            description:
              "A SQL filter over message properties, such as eventType = 'OrderSubmitted' AND amount > 100. Give either this or a correlation filter.",
            "x-ms-summary": "SQL filter",
          }),
        ),
        sqlAction: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 1024,
            description: "A SQL action applied to matching messages, such as SET priority = 'high'.",
            "x-ms-summary": "SQL action",
          }),
        ),
        ruleName: Type.Optional(
          Type.String({
            pattern: "^[A-Za-z0-9$][A-Za-z0-9._$-]{0,49}$",
            description: "The name of the subscription's rule (default $Default).",
            "x-ms-summary": "Rule name",
          }),
        ),
        requiresSession: Type.Optional(
          Type.Boolean({ description: "Whether the subscription requires sessions (ordered processing per session id).", "x-ms-summary": "Requires session" }),
        ),
        maxDeliveryCount: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 2000,
            description: "Deliveries after which a message is dead-lettered (default 10).",
            "x-ms-summary": "Maximum delivery count",
          }),
        ),
        lockDurationSeconds: Type.Optional(
          Type.Integer({
            minimum: 5,
            maximum: 300,
            description: "How long a received message stays locked, in seconds (5 to 300, default 60).",
            "x-ms-summary": "Lock duration (seconds)",
          }),
        ),
        defaultMessageTimeToLiveSeconds: Type.Optional(
          Type.Integer({
            minimum: 1,
            description: "How long messages live in the subscription, in seconds (default: as long as the topic allows).",
            "x-ms-summary": "Message time to live (seconds)",
          }),
        ),
        deadLetteringOnMessageExpiration: Type.Optional(
          Type.Boolean({
            description: "Whether expired messages are moved to the dead-letter sub-queue instead of being dropped.",
            "x-ms-summary": "Dead-letter expired messages",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    bodyRequired: false,
  },
  success: {
    status: 201,
    description: "The subscription was created.",
    schema: Type.Object(
      {
        topic: Type.String({ description: "The topic.", "x-ms-summary": "Topic" }),
        name: Type.String({ description: "The subscription.", "x-ms-summary": "Subscription" }),
        requiresSession: Type.Boolean({ description: "Whether the subscription requires sessions.", "x-ms-summary": "Requires session" }),
        maxDeliveryCount: Type.Integer({ description: "Deliveries after which a message is dead-lettered.", "x-ms-summary": "Maximum delivery count" }),
        lockDurationSeconds: Type.Number({ description: "How long a received message stays locked, in seconds.", "x-ms-summary": "Lock duration (seconds)" }),
      },
      { additionalProperties: false },
    ),
  },
  problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "MessagingEntityAlreadyExists", "SubscriptionIsConfigured"],
  auth: { scopes: ["manage"] },
  // A new subscription's name is typed, not picked.
  connector: { visibility: "advanced", parameters: { topic: PICKERS.topic } },
});

/** DeleteSubscription. */
export const deleteSubscription = defineOperation({
  operationId: "DeleteSubscription",
  method: "delete",
  path: "/topics/{topic}/subscriptions/{subscription}",
  summary: "Delete a topic subscription",
  description: `Deletes a subscription of a topic with all its messages. ${EXPOSURE_NOTE}`,
  tags: ["Management"],
  request: { params },
  success: { status: 204, description: "The subscription was deleted." },
  problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "SubscriptionIsConfigured"],
  auth: { scopes: ["manage"] },
  connector: { visibility: "advanced", parameters: { topic: PICKERS.topic, subscription: PICKERS.subscription } },
});
