/** A one-line, human description of configured entities, for start banners. */
import type { EmulatorConfig, QueueConfig, RuleConfig, SubscriptionConfig, TopicConfig } from "./emulator-config.js";

function features(properties: { requiresSession?: boolean; requiresDuplicateDetection?: boolean }): string {
  const named = [...(properties.requiresSession ? ["sessions"] : []), ...(properties.requiresDuplicateDetection ? ["duplicate detection"] : [])];
  return named.length === 0 ? "" : ` (${named.join(", ")})`;
}

/** What a rule's filter selects: `eventType = OrderSubmitted`, the SQL text, or "all". */
function ruleSelection(rule: RuleConfig): string {
  const { filter } = rule;
  if (filter.type === "sql") return filter.sqlExpression;
  const { type: _type, applicationProperties, ...system } = filter;
  const terms = [...Object.entries(system), ...Object.entries(applicationProperties)]
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} = ${String(value)}`);
  return terms.length === 0 ? "all" : terms.join(" AND ");
}

function describeSubscription(subscription: SubscriptionConfig): string {
  const selection = subscription.rules.length === 0 ? "all" : subscription.rules.map(ruleSelection).join(" OR ");
  const sessions = subscription.properties.requiresSession ? ", sessions" : "";
  return `${subscription.name} (${selection}${sessions})`;
}

function describeQueue(queue: QueueConfig): string {
  return `queue ${queue.name}${features(queue.properties)}`;
}

function describeTopic(topic: TopicConfig): string {
  const subscriptions = topic.subscriptions.length === 0 ? "no subscriptions" : `subscriptions ${topic.subscriptions.map(describeSubscription).join(", ")}`;
  return `topic ${topic.name}${features(topic.properties)} with ${subscriptions}`;
}

/**
 * Describes the entities of a configuration in one line, such as
 * `queue orders (duplicate detection); topic order-events with subscriptions billing (eventType = OrderSubmitted), analytics (all)`.
 */
export function describeEntities(config: EmulatorConfig): string {
  const parts = [...config.queues.map(describeQueue), ...config.topics.map(describeTopic)];
  return parts.length === 0 ? "(none)" : parts.join("; ");
}
