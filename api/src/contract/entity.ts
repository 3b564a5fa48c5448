/**
 * The Service Bus entities the API acts on: one concept from the contract to the gateway. An operation
 * declares which kind of entity it acts on ({@link EntityTarget}); the HTTP edge resolves the request's
 * path parameters (and `subQueue`) to an exposed entity once, in its configured spelling; handlers
 * hand that entity to the Service Bus gateway as it is.
 */

/** A queue. */
export interface QueueEntity {
  readonly kind: "queue";
  readonly queue: string;
}

/** A topic. */
export interface TopicEntity {
  readonly kind: "topic";
  readonly topic: string;
}

/** A subscription of a topic. */
export interface SubscriptionEntity {
  readonly kind: "subscription";
  readonly topic: string;
  readonly subscription: string;
}

/** Any entity. */
export type Entity = QueueEntity | TopicEntity | SubscriptionEntity;

/** What messages are sent to. */
export type SendableEntity = QueueEntity | TopicEntity;

/** The main entity or its dead-letter sub-queue. */
export type SubQueue = "main" | "deadLetter";

/** A queue or subscription as messages are received from it: its main entity or its dead-letter sub-queue. */
export type ReceivableEntity = (QueueEntity | SubscriptionEntity) & { readonly subQueue: SubQueue };

/**
 * The entity an operation acts on, by its path parameters: `send` = `entity` (a queue or topic),
 * `queue` = `queue`, `subscription` = `topic` + `subscription` (with `subQueue` when the operation
 * takes one, otherwise the main entity).
 */
export interface EntityTargets {
  send: SendableEntity;
  queue: QueueEntity & { readonly subQueue: SubQueue };
  subscription: SubscriptionEntity & { readonly subQueue: SubQueue };
}

/** The kinds of entity an operation can act on. */
export type EntityTarget = keyof EntityTargets;

/** The entity a handler gets for an operation's target: none for operations without one. */
export type EntityOf<T extends EntityTarget | undefined> = T extends EntityTarget ? EntityTargets[T] : undefined;

/** An entity's name as Service Bus and allow-lists write it: `queue`, `topic` or `topic/subscription`. */
export function entityName(entity: Entity): string {
  switch (entity.kind) {
    case "queue":
      return entity.queue;
    case "topic":
      return entity.topic;
    case "subscription":
      return `${entity.topic}/${entity.subscription}`;
  }
}

/** Where messages of an entity are sent to: a queue or topic itself, or a subscription's topic. */
export function sendEntityOf(entity: Entity): SendableEntity {
  return entity.kind === "subscription" ? { kind: "topic", topic: entity.topic } : entity.kind === "queue" ? { kind: "queue", queue: entity.queue } : entity;
}
