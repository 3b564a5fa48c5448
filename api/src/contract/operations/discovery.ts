/** Discovery: list the entities the caller may use (internal to the connector: they feed pickers). */
import { Type } from "@sinclair/typebox";
import type { TSchema } from "@sinclair/typebox";
import { PICKERS } from "../pickers.js";
import { COMMON_PROBLEMS, defineOperation } from "../operation.js";
import { TopicParam, stringEnum } from "../schemas/common.js";

function valueList(item: TSchema, description: string) {
  return Type.Object({ value: Type.Array(item, { description, "x-ms-summary": "Value" }) }, { additionalProperties: false });
}

const name = (summary: string) => Type.String({ description: `The name of the ${summary.toLowerCase()}.`, "x-ms-summary": summary });

const listNote =
  "Only entities this API exposes and the API key may use are listed. With an API key of scope manage, each entity also carries its backlog " +
  "(active, dead-lettered and scheduled message counts, where the entity kind has them) when Service Bus's management API answers; otherwise the list comes without counts.";

const count = (summary: string, description: string) => Type.Optional(Type.Integer({ minimum: 0, description, "x-ms-summary": summary }));

/** Backlog counts of an entity (manage scope only). */
const active = { activeMessageCount: count("Active messages", "Messages waiting to be received (manage scope only).") };
const deadLettered = { deadLetterMessageCount: count("Dead-lettered messages", "Messages in the dead-letter sub-queue (manage scope only).") };
const scheduled = { scheduledMessageCount: count("Scheduled messages", "Scheduled messages not yet enqueued (manage scope only).") };

/** ListQueues. */
export const listQueues = defineOperation({
  operationId: "ListQueues",
  method: "get",
  path: "/queues",
  summary: "List queues",
  description: `Lists the queues. ${listNote}`,
  tags: ["Discovery"],
  request: {},
  success: {
    status: 200,
    description: "The queues.",
    schema: valueList(Type.Object({ name: name("Queue"), ...active, ...deadLettered, ...scheduled }, { additionalProperties: false }), "The queues."),
  },
  problems: [...COMMON_PROBLEMS],
  auth: { scopes: [] },
  connector: { visibility: "internal" },
});

/** ListTopics. */
export const listTopics = defineOperation({
  operationId: "ListTopics",
  method: "get",
  path: "/topics",
  summary: "List topics",
  description: `Lists the topics. ${listNote}`,
  tags: ["Discovery"],
  request: {},
  success: {
    status: 200,
    description: "The topics.",
    schema: valueList(Type.Object({ name: name("Topic"), ...scheduled }, { additionalProperties: false }), "The topics."),
  },
  problems: [...COMMON_PROBLEMS],
  auth: { scopes: [] },
  connector: { visibility: "internal" },
});

/** ListSubscriptions. */
export const listSubscriptions = defineOperation({
  operationId: "ListSubscriptions",
  method: "get",
  path: "/topics/{topic}/subscriptions",
  summary: "List subscriptions of a topic",
  description: `Lists the subscriptions of a topic. For a topic that exposes all its subscriptions, they are read from Service Bus (the configured ones when the management API does not answer). ${listNote}`,
  tags: ["Discovery"],
  request: { params: Type.Object({ topic: TopicParam }) },
  success: {
    status: 200,
    description: "The subscriptions.",
    schema: valueList(
      Type.Object({ name: name("Subscription"), topic: name("Topic"), ...active, ...deadLettered }, { additionalProperties: false }),
      "The subscriptions.",
    ),
  },
  problems: [...COMMON_PROBLEMS, "MessagingEntityNotFound"],
  auth: { scopes: [] },
  connector: { visibility: "internal", parameters: { topic: PICKERS.topic } },
});

/** ListSendEntities. */
export const listSendEntities = defineOperation({
  operationId: "ListSendEntities",
  method: "get",
  path: "/send-entities",
  summary: "List queues and topics to send to",
  description: `Lists the queues and topics messages can be sent to. ${listNote}`,
  tags: ["Discovery"],
  request: {},
  success: {
    status: 200,
    description: "The queues and topics.",
    schema: valueList(
      Type.Object(
        {
          name: name("Entity"),
          kind: stringEnum(["queue", "topic"] as const, { description: "Whether the entity is a queue or a topic.", "x-ms-summary": "Kind" }),
          ...active,
          ...deadLettered,
          ...scheduled,
        },
        { additionalProperties: false },
      ),
      "The queues and topics.",
    ),
  },
  problems: [...COMMON_PROBLEMS],
  auth: { scopes: [] },
  connector: { visibility: "internal" },
});
