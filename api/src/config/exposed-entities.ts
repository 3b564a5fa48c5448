/**
 * The entities the API exposes. Anything not listed is invisible: 404 and absent from lists.
 * Service Bus names are case-insensitive; lookups return the configured spelling.
 */
import type { Entity, QueueEntity, SendableEntity, SubscriptionEntity } from "../contract/entity.js";

/** A topic and the subscriptions exposed under it. */
export interface ExposedTopic {
  name: string;
  /** Subscriptions exposed by name (listed even when Service Bus's management API does not answer). */
  subscriptions: readonly string[];
  /**
   * Every subscription of the topic is exposed, including those created later (CreateSubscription is
   * allowed only on such topics). Configured as "*" among the topic's subscriptions.
   */
  allSubscriptions?: boolean;
}

/** Exposed queues and topics. */
export interface ExposedEntities {
  queues: readonly string[];
  topics: readonly ExposedTopic[];
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The exposed queue of that name. */
export function findQueue(entities: ExposedEntities, name: string): QueueEntity | undefined {
  const queue = entities.queues.find((each) => same(each, name));
  return queue === undefined ? undefined : { kind: "queue", queue };
}

/** The exposed topic of that name. */
export function findTopic(entities: ExposedEntities, name: string): ExposedTopic | undefined {
  return entities.topics.find((each) => same(each.name, name));
}

/** The exposed queue or topic to send to. */
export function findSendEntity(entities: ExposedEntities, name: string): SendableEntity | undefined {
  const queue = findQueue(entities, name);
  if (queue) return queue;
  const topic = findTopic(entities, name);
  return topic ? { kind: "topic", topic: topic.name } : undefined;
}

/**
 * The exposed subscription of a topic. On a topic that exposes all its subscriptions any name resolves
 * (Service Bus answers 404 for one that does not exist).
 */
export function findSubscription(entities: ExposedEntities, topicName: string, subscriptionName: string): SubscriptionEntity | undefined {
  const topic = findTopic(entities, topicName);
  if (!topic) return undefined;
  const subscription = topic.subscriptions.find((each) => same(each, subscriptionName)) ?? (topic.allSubscriptions ? subscriptionName : undefined);
  return subscription === undefined ? undefined : { kind: "subscription", topic: topic.name, subscription };
}

/**
 * Whether an allow-list covers an entity. Entries are "*", a queue or topic name (a topic name covers
 * its subscriptions), or `topic/subscription`.
 */
export function allowListCovers(allowed: readonly string[], entity: Entity): boolean {
  return allowed.some((entry) => {
    if (entry === "*") return true;
    switch (entity.kind) {
      case "queue":
        return same(entry, entity.queue);
      case "topic":
        return same(entry, entity.topic);
      case "subscription":
        return same(entry, entity.topic) || same(entry, `${entity.topic}/${entity.subscription}`);
    }
  });
}
