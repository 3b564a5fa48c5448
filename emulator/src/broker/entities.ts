/** The entities of a namespace as the broker keeps them: queues, topics and subscriptions. */
import type { QueueConfig, ReceivableEntityProperties, SubscriptionConfig, TopicConfig } from "../config/emulator-config.js";
import type { DuplicateDetector } from "./duplicate-detector.js";
import type { MessageQueue } from "./message-queue.js";
import type { SessionRegistry } from "./session-registry.js";
import type { CompiledRule } from "./subscription-rules.js";

/** A queue or subscription: a main queue with its dead-letter queue. */
export interface ReceivableEntity {
  readonly path: string;
  properties: ReceivableEntityProperties;
  readonly main: MessageQueue;
  readonly deadLetter: MessageQueue;
  /** Messages that could not be forwarded (ForwardTo, ForwardDeadLetteredMessagesTo). */
  readonly transferDeadLetter: MessageQueue;
  /** Present when the entity requires sessions. */
  readonly sessions: SessionRegistry | undefined;
}

export interface QueueEntity extends ReceivableEntity {
  readonly kind: "queue";
  config: QueueConfig;
  duplicates: DuplicateDetector | undefined;
}

export interface SubscriptionEntity extends ReceivableEntity {
  readonly kind: "subscription";
  readonly topic: TopicEntity;
  config: SubscriptionConfig;
  /** Rules by lower-cased name, in the order they were added. */
  readonly rules: Map<string, CompiledRule>;
}

export interface TopicEntity {
  readonly kind: "topic";
  readonly path: string;
  config: TopicConfig;
  readonly subscriptions: Map<string, SubscriptionEntity>;
  /** Holds the topic's scheduled messages until they are due and fan out. */
  readonly scheduled: MessageQueue;
  duplicates: DuplicateDetector | undefined;
}

export type Entity = QueueEntity | TopicEntity | SubscriptionEntity;

/** Every sub-queue of a queue or subscription. */
export function subQueues(entity: ReceivableEntity): MessageQueue[] {
  return [entity.main, entity.deadLetter, entity.transferDeadLetter];
}

/** The address of a subscription, `topic/Subscriptions/name`. */
export function subscriptionPath(topic: string, subscription: string): string {
  return `${topic}/Subscriptions/${subscription}`;
}
