/**
 * Connector dropdowns shared by many operations, as plain data: the entity pickers over the internal
 * list operations (operations/discovery.ts) and the display names of the `subQueue` values. Each
 * operation puts the ones it needs into its own `connector` field.
 */
import type { EntityTarget, ParameterHint } from "./operation.js";

/** Dropdowns over the internal list operations (see operations/discovery.ts). */
export const PICKERS = {
  /** `entity`: queues and topics that can be sent to. */
  entity: {
    visibility: "important",
    dynamicValues: { operationId: "ListSendEntities", valueCollection: "value", valuePath: "name", valueTitle: "name" },
  },
  queue: {
    visibility: "important",
    dynamicValues: { operationId: "ListQueues", valueCollection: "value", valuePath: "name", valueTitle: "name" },
  },
  topic: {
    visibility: "important",
    dynamicValues: { operationId: "ListTopics", valueCollection: "value", valuePath: "name", valueTitle: "name" },
  },
  /** `subscription`: the subscriptions of the topic chosen in the same action. */
  subscription: {
    visibility: "important",
    dynamicValues: {
      operationId: "ListSubscriptions",
      valueCollection: "value",
      valuePath: "name",
      valueTitle: "name",
      parameters: { topic: { parameter: "topic" } },
    },
  },
} as const satisfies Record<string, ParameterHint>;

/** The dropdowns of the path parameters that name a queue or a topic subscription. */
export function receiverPickers(target: Extract<EntityTarget, "queue" | "subscription">): Record<string, ParameterHint> {
  return target === "queue" ? { queue: PICKERS.queue } : { topic: PICKERS.topic, subscription: PICKERS.subscription };
}

/** Display names of the `subQueue` values. */
export const SUB_QUEUE_TITLES: Record<string, string> = { main: "Main", deadLetter: "Dead-letter sub-queue" };
