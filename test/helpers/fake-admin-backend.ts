/**
 * An in-memory {@link AdminBackend} for tests of the management API: entities in maps keyed by lower-cased
 * name, the error contract of admin-backend.ts, and message counts set by the test.
 */
import type { AdminBackend, EntityRuntimeCounts, SubscriptionDescription, TopicDescription } from "../../emulator/src/admin/admin-backend.js";
import { AdminError } from "../../emulator/src/admin/admin-errors.js";
import type { QueueConfig, RuleConfig, SubscriptionConfig, TopicConfig } from "../../emulator/src/config/emulator-config.js";

const ZERO_COUNTS: EntityRuntimeCounts = {
  activeMessageCount: 0,
  deadLetterMessageCount: 0,
  scheduledMessageCount: 0,
  transferMessageCount: 0,
  transferDeadLetterMessageCount: 0,
  sizeInBytes: 0,
};

/** The rule a subscription gets when it is created without one. */
export const DEFAULT_RULE: RuleConfig = { name: "$Default", filter: { type: "sql", sqlExpression: "1=1" }, action: undefined };

export class FakeAdminBackend implements AdminBackend {
  private readonly queues = new Map<string, QueueConfig>();
  private readonly topics = new Map<string, TopicConfig>();
  private readonly counts = new Map<string, EntityRuntimeCounts>();

  constructor(private readonly namespace = "sbemulatorns") {}

  /** Sets the counts `runtimeCounts(path)` reports. */
  setCounts(path: string, counts: Partial<EntityRuntimeCounts>): void {
    this.counts.set(path.toLowerCase(), { ...ZERO_COUNTS, ...counts });
  }

  namespaceName(): string {
    return this.namespace;
  }

  runtimeCounts(path: string): EntityRuntimeCounts {
    return this.counts.get(path.toLowerCase()) ?? ZERO_COUNTS;
  }

  listQueues(): QueueConfig[] {
    return [...this.queues.values()].map(clone);
  }

  getQueue(name: string): QueueConfig | undefined {
    const queue = this.queues.get(name.toLowerCase());
    return queue && clone(queue);
  }

  createQueue(queue: QueueConfig): QueueConfig {
    this.checkFree(queue.name);
    this.checkForwarding(queue.properties, queue.name);
    this.queues.set(queue.name.toLowerCase(), clone(queue));
    return clone(queue);
  }

  updateQueue(queue: QueueConfig): QueueConfig {
    const existing = this.requireQueue(queue.name);
    this.checkForwarding(queue.properties, existing.name);
    const updated = { name: existing.name, properties: { ...queue.properties } };
    this.queues.set(existing.name.toLowerCase(), updated);
    return clone(updated);
  }

  deleteQueue(name: string): void {
    this.requireQueue(name);
    this.queues.delete(name.toLowerCase());
  }

  listTopics(): TopicConfig[] {
    return [...this.topics.values()].map(clone);
  }

  getTopic(name: string): TopicConfig | undefined {
    const topic = this.topics.get(name.toLowerCase());
    return topic && clone(topic);
  }

  createTopic(topic: TopicDescription): TopicConfig {
    this.checkFree(topic.name);
    const created: TopicConfig = { ...clone(topic), subscriptions: [] };
    this.topics.set(topic.name.toLowerCase(), created);
    return clone(created);
  }

  updateTopic(topic: TopicDescription): TopicConfig {
    const existing = this.requireTopic(topic.name);
    existing.properties = { ...topic.properties };
    return clone(existing);
  }

  deleteTopic(name: string): void {
    this.requireTopic(name);
    this.topics.delete(name.toLowerCase());
  }

  listSubscriptions(topic: string): SubscriptionConfig[] {
    return this.requireTopic(topic).subscriptions.map(clone);
  }

  getSubscription(topic: string, name: string): SubscriptionConfig | undefined {
    const subscription = this.topics.get(topic.toLowerCase())?.subscriptions.find((each) => sameName(each.name, name));
    return subscription && clone(subscription);
  }

  createSubscription(topic: string, subscription: SubscriptionConfig): SubscriptionConfig {
    const parent = this.requireTopic(topic);
    if (parent.subscriptions.some((each) => sameName(each.name, subscription.name))) {
      throw AdminError.alreadyExists("Subscription", `${parent.name}/Subscriptions/${subscription.name}`);
    }
    this.checkForwarding(subscription.properties, parent.name);
    const created = clone({ ...subscription, rules: subscription.rules.length === 0 ? [DEFAULT_RULE] : subscription.rules });
    parent.subscriptions.push(created);
    return clone(created);
  }

  updateSubscription(topic: string, subscription: SubscriptionDescription): SubscriptionConfig {
    const existing = this.requireSubscription(topic, subscription.name);
    this.checkForwarding(subscription.properties, topic);
    existing.properties = { ...subscription.properties };
    return clone(existing);
  }

  deleteSubscription(topic: string, name: string): void {
    const parent = this.requireTopic(topic);
    this.requireSubscription(topic, name);
    parent.subscriptions = parent.subscriptions.filter((each) => !sameName(each.name, name));
  }

  listRules(topic: string, subscription: string): RuleConfig[] {
    return this.requireSubscription(topic, subscription).rules.map(clone);
  }

  getRule(topic: string, subscription: string, name: string): RuleConfig | undefined {
    const rule = this.requireSubscription(topic, subscription).rules.find((each) => sameName(each.name, name));
    return rule && clone(rule);
  }

  createRule(topic: string, subscription: string, rule: RuleConfig): RuleConfig {
    const parent = this.requireSubscription(topic, subscription);
    if (parent.rules.some((each) => sameName(each.name, rule.name))) throw AdminError.alreadyExists("Rule", rule.name);
    parent.rules.push(clone(rule));
    return clone(rule);
  }

  updateRule(topic: string, subscription: string, rule: RuleConfig): RuleConfig {
    const parent = this.requireSubscription(topic, subscription);
    const index = parent.rules.findIndex((each) => sameName(each.name, rule.name));
    if (index < 0) throw AdminError.notFound("Rule", rule.name);
    parent.rules[index] = clone(rule);
    return clone(rule);
  }

  deleteRule(topic: string, subscription: string, name: string): void {
    const parent = this.requireSubscription(topic, subscription);
    if (!parent.rules.some((each) => sameName(each.name, name))) throw AdminError.notFound("Rule", name);
    parent.rules = parent.rules.filter((each) => !sameName(each.name, name));
  }

  private checkFree(name: string): void {
    if (this.queues.has(name.toLowerCase()) || this.topics.has(name.toLowerCase())) throw AdminError.alreadyExists("Queue or topic", name);
  }

  private checkForwarding(properties: { forwardTo: string | undefined; forwardDeadLetteredMessagesTo: string | undefined }, own: string): void {
    for (const target of [properties.forwardTo, properties.forwardDeadLetteredMessagesTo]) {
      if (target === undefined) continue;
      if (!this.queues.has(target.toLowerCase()) && !this.topics.has(target.toLowerCase())) {
        throw AdminError.invalid(`The forwarding target '${target}' is not a queue or topic of this namespace.`);
      }
      if (sameName(target, own)) throw AdminError.invalid(`'${own}' cannot forward to itself.`);
    }
  }

  private requireQueue(name: string): QueueConfig {
    const queue = this.queues.get(name.toLowerCase());
    if (!queue) throw AdminError.notFound("Queue", name);
    return queue;
  }

  private requireTopic(name: string): TopicConfig {
    const topic = this.topics.get(name.toLowerCase());
    if (!topic) throw AdminError.notFound("Topic", name);
    return topic;
  }

  private requireSubscription(topic: string, name: string): SubscriptionConfig {
    const subscription = this.requireTopic(topic).subscriptions.find((each) => sameName(each.name, name));
    if (!subscription) throw AdminError.notFound("Subscription", `${topic}/Subscriptions/${name}`);
    return subscription;
  }
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A deep copy, so that callers cannot change the stored entities (Infinity survives, unlike JSON). */
function clone<T>(value: T): T {
  return structuredClone(value);
}
