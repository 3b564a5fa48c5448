/**
 * Connector hints kept apart from their operations: the entity dropdowns every operation shares, and
 * the hints of operations whose declaration files are not edited here (receive.ts, dead-letters.ts),
 * keyed by operationId. The connector generator merges {@link CONNECTOR_HINTS} over each operation's
 * own `connector` field.
 */
import type { ConnectorHints, EntityTarget, ParameterHint } from "./operation.js";

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

type ExtraHints = Partial<Omit<ConnectorHints, "visibility">> & Pick<Partial<ConnectorHints>, "visibility">;

function receiverHints(target: Extract<EntityTarget, "queue" | "subscription">, inSuffix: string, fromSuffix: string): Record<string, ExtraHints> {
  const pickers = receiverPickers(target);
  return {
    [`PeekMessages${inSuffix}`]: {
      parameters: {
        ...pickers,
        maxMessages: { visibility: "important" },
        subQueue: { visibility: "important", enumTitles: SUB_QUEUE_TITLES },
        fromSequenceNumber: { visibility: "advanced" },
      },
    },
    [`ReceiveMessages${fromSuffix}`]: {
      parameters: {
        ...pickers,
        maxMessages: { visibility: "important" },
        maxWaitSeconds: { visibility: "advanced" },
        receiveMode: { visibility: "advanced", enumTitles: { peekLock: "Peek-lock", receiveAndDelete: "Receive and delete" } },
        subQueue: { visibility: "advanced", enumTitles: SUB_QUEUE_TITLES },
      },
    },
    [`ReceiveDeferredMessages${fromSuffix}`]: {
      parameters: { ...pickers, subQueue: { visibility: "advanced", enumTitles: SUB_QUEUE_TITLES } },
    },
    [`ResubmitDeadLetters${inSuffix}`]: {
      parameters: { ...pickers },
      properties: { "body/sequenceNumbers": { visibility: "important" }, "body/maxMessages": { visibility: "important" } },
    },
    // Session operations (sessions.ts).
    [`GetSessionState${inSuffix}`]: { parameters: { ...pickers } },
    [`SetSessionState${inSuffix}`]: { parameters: { ...pickers } },
    [`RenewSessionLock${inSuffix}`]: { parameters: { ...pickers } },
    [`CloseSession${inSuffix}`]: { parameters: { ...pickers } },
  };
}

/**
 * Hints merged over the operations' own `connector` field, by operationId. They belong in
 * receive.ts, dead-letters.ts, sessions.ts and management.ts and can move there once those files
 * are free to edit. A hint for an operationId the registry does not have fails the connector build.
 */
export const CONNECTOR_HINTS: Readonly<Record<string, ExtraHints>> = {
  ...receiverHints("queue", "InQueue", "FromQueue"),
  ...receiverHints("subscription", "InSubscription", "FromSubscription"),
  // management.ts: a new subscription's name is typed, not picked; deleting picks an existing one.
  CreateSubscription: { parameters: { topic: PICKERS.topic } },
  DeleteSubscription: { parameters: { topic: PICKERS.topic, subscription: PICKERS.subscription } },
};
