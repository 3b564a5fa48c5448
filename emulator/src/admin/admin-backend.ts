/**
 * What the management API needs from the namespace: entity configuration (create, read, update, delete) and
 * message counts. The broker implements it; the HTTP layer (`admin-http-server.ts`) only talks to this interface.
 *
 * Contract for implementations:
 * - Names are matched case-insensitively, as Service Bus does; returned configs carry the declared spelling.
 * - Methods throw {@link AdminError}: `AdminError.notFound` (404) for a missing entity or parent,
 *   `AdminError.alreadyExists` (409) when a create meets an existing name (a queue and a topic share one name
 *   space), `AdminError.invalid` (400) for a configuration the broker cannot accept (for example a `forwardTo`
 *   naming no queue or topic, or a subscription forwarding to its own topic).
 * - The HTTP layer has already checked names (syntax, length), durations and counts (ranges) and SQL syntax, so
 *   a backend needs to check only what depends on namespace state.
 * - Timestamps (CreatedAt, UpdatedAt) are kept by the HTTP layer, not here; `AccessedAt` may be given through
 *   {@link EntityRuntimeCounts.accessedAt}.
 */
import type { QueueConfig, RuleConfig, SubscriptionConfig, TopicConfig } from "../config/emulator-config.js";

/** Message counts of a queue, topic or subscription, as `get*RuntimeProperties` reports them. */
export interface EntityRuntimeCounts {
  activeMessageCount: number;
  deadLetterMessageCount: number;
  scheduledMessageCount: number;
  transferMessageCount: number;
  transferDeadLetterMessageCount: number;
  sizeInBytes: number;
  /** Last send or receive, if the broker tracks it; the entity's last update time is reported otherwise. */
  accessedAt?: Date;
}

/** A topic's own properties, without its subscriptions (they are managed one by one). */
export type TopicDescription = Omit<TopicConfig, "subscriptions">;

/** A subscription's own properties, without its rules (an update never changes them). */
export type SubscriptionDescription = Omit<SubscriptionConfig, "rules">;

/** The namespace as the management API sees it. See the module comment for the error contract. */
export interface AdminBackend {
  listQueues(): QueueConfig[];
  getQueue(name: string): QueueConfig | undefined;
  createQueue(queue: QueueConfig): QueueConfig;
  /** Replaces the queue's properties; `requiresSession` and `requiresDuplicateDetection` are unchanged (checked by the caller). */
  updateQueue(queue: QueueConfig): QueueConfig;
  /** Deletes the queue and its messages. */
  deleteQueue(name: string): void;

  /** Topics with their subscriptions. */
  listTopics(): TopicConfig[];
  getTopic(name: string): TopicConfig | undefined;
  /** Creates a topic without subscriptions. */
  createTopic(topic: TopicDescription): TopicConfig;
  /** Replaces the topic's properties; its subscriptions are kept. */
  updateTopic(topic: TopicDescription): TopicConfig;
  /** Deletes the topic, its subscriptions and their messages. */
  deleteTopic(name: string): void;

  listSubscriptions(topic: string): SubscriptionConfig[];
  getSubscription(topic: string, name: string): SubscriptionConfig | undefined;
  /** Creates a subscription; an empty `rules` list means the broker adds its `$Default` rule (true filter). */
  createSubscription(topic: string, subscription: SubscriptionConfig): SubscriptionConfig;
  /** Replaces the subscription's properties; its rules are kept. */
  updateSubscription(topic: string, subscription: SubscriptionDescription): SubscriptionConfig;
  deleteSubscription(topic: string, name: string): void;

  listRules(topic: string, subscription: string): RuleConfig[];
  getRule(topic: string, subscription: string, name: string): RuleConfig | undefined;
  createRule(topic: string, subscription: string, rule: RuleConfig): RuleConfig;
  updateRule(topic: string, subscription: string, rule: RuleConfig): RuleConfig;
  deleteRule(topic: string, subscription: string, name: string): void;

  /**
   * Counts of `path`: a queue (`orders`), a topic (`events`) or a subscription (`events/Subscriptions/audit`),
   * spelled as declared. Only called for entities that exist.
   */
  runtimeCounts(path: string): EntityRuntimeCounts;
  /** The namespace name reported by `getNamespaceProperties` (`sbemulatorns` by default). */
  namespaceName(): string;
}
