/** The management API's backend on the real broker: entity changes and message counts of a NamespaceBroker. */
import type { QueueConfig, RuleConfig, SubscriptionConfig } from "../config/emulator-config.js";
import { BrokerError } from "../broker/broker-errors.js";
import { rulesByName } from "../broker/subscription-rules.js";
import type { NamespaceBroker, QueueEntity, SubscriptionEntity, TopicEntity } from "../broker/namespace-broker.js";
import type { AdminBackend, EntityRuntimeCounts, SubscriptionDescription, TopicDescription } from "./admin-backend.js";
import { AdminError } from "./admin-errors.js";

function subscriptionConfig(subscription: SubscriptionEntity): SubscriptionConfig {
  return { ...subscription.config, rules: rulesByName(subscription.rules).map((rule) => rule.config) };
}

/** Runs a broker call, reporting its errors as management API errors. */
function translated<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof BrokerError) {
      if (error.statusCode === 409) throw new AdminError(409, error.description);
      if (error.statusCode === 404) throw new AdminError(404, error.description);
      throw AdminError.invalid(error.description);
    }
    throw error;
  }
}

/** Checks what depends on namespace state: forwarding targets must exist and must not loop to the entity itself. */
function checkForwarding(
  broker: NamespaceBroker,
  self: string,
  properties: { forwardTo: string | undefined; forwardDeadLetteredMessagesTo: string | undefined },
  ownTopic?: string,
): void {
  for (const target of [properties.forwardTo, properties.forwardDeadLetteredMessagesTo]) {
    if (target === undefined) continue;
    if (!broker.find("queue", target) && !broker.find("topic", target))
      throw AdminError.invalid(`The forwarding target '${target}' is not a queue or topic of this namespace.`);
    if (target.toLowerCase() === self.toLowerCase() || (ownTopic && target.toLowerCase() === ownTopic.toLowerCase())) {
      throw AdminError.invalid(`'${self}' cannot forward to itself.`);
    }
  }
}

export function createBrokerAdminBackend(broker: NamespaceBroker): AdminBackend {
  const queue = (name: string): QueueEntity => {
    const found = broker.find("queue", name);
    if (!found) throw AdminError.notFound("Queue", name);
    return found;
  };
  const topic = (name: string): TopicEntity => {
    const found = broker.find("topic", name);
    if (!found) throw AdminError.notFound("Topic", name);
    return found;
  };
  const subscription = (topicName: string, name: string): SubscriptionEntity => {
    const found = topic(topicName).subscriptions.get(name.toLowerCase());
    if (!found) throw AdminError.notFound("Subscription", `${topicName}/Subscriptions/${name}`);
    return found;
  };
  const rule = (topicName: string, subscriptionName: string, name: string): RuleConfig | undefined =>
    subscription(topicName, subscriptionName).rules.get(name.toLowerCase())?.config;

  return {
    listQueues: () => broker.queues().map((entity) => entity.config),
    getQueue: (name) => broker.find("queue", name)?.config,
    createQueue: (config: QueueConfig) => {
      checkForwarding(broker, config.name, config.properties);
      return translated(() => broker.createQueue(config)).config;
    },
    updateQueue: (config: QueueConfig) => {
      const entity = queue(config.name);
      checkForwarding(broker, config.name, config.properties);
      translated(() => broker.updateQueue(entity, config));
      return entity.config;
    },
    deleteQueue: (name) => broker.deleteEntity(queue(name)),

    listTopics: () => broker.topics().map((entity) => broker.topicConfig(entity)),
    getTopic: (name) => {
      const found = broker.find("topic", name);
      return found && broker.topicConfig(found);
    },
    createTopic: (config: TopicDescription) => broker.topicConfig(translated(() => broker.createTopic({ ...config, subscriptions: [] }))),
    updateTopic: (config: TopicDescription) => {
      const entity = topic(config.name);
      broker.updateTopic(entity, { ...config, subscriptions: [] });
      return broker.topicConfig(entity);
    },
    deleteTopic: (name) => broker.deleteEntity(topic(name)),

    listSubscriptions: (topicName) => [...topic(topicName).subscriptions.values()].map(subscriptionConfig),
    getSubscription: (topicName, name) => {
      const found = topic(topicName).subscriptions.get(name.toLowerCase());
      return found && subscriptionConfig(found);
    },
    createSubscription: (topicName, config: SubscriptionConfig) => {
      const parent = topic(topicName);
      checkForwarding(broker, `${topicName}/Subscriptions/${config.name}`, config.properties, parent.path);
      return subscriptionConfig(translated(() => broker.createSubscription(parent, config)));
    },
    updateSubscription: (topicName, config: SubscriptionDescription) => {
      const entity = subscription(topicName, config.name);
      checkForwarding(broker, entity.path, config.properties, topicName);
      broker.updateSubscription(entity, { ...config, rules: [] });
      return subscriptionConfig(entity);
    },
    deleteSubscription: (topicName, name) => broker.deleteEntity(subscription(topicName, name)),

    listRules: (topicName, subscriptionName) => subscriptionConfig(subscription(topicName, subscriptionName)).rules,
    getRule: rule,
    createRule: (topicName, subscriptionName, config: RuleConfig) => {
      translated(() => broker.addRule(subscription(topicName, subscriptionName), config));
      return config;
    },
    updateRule: (topicName, subscriptionName, config: RuleConfig) => {
      translated(() => broker.updateRule(subscription(topicName, subscriptionName), config));
      return config;
    },
    deleteRule: (topicName, subscriptionName, name) => translated(() => broker.removeRule(subscription(topicName, subscriptionName), name)),

    runtimeCounts(path: string): EntityRuntimeCounts {
      const resolved = broker.resolve(path);
      const entity = resolved.entity;
      if (entity.kind === "topic") {
        const counts = entity.scheduled.counts();
        return {
          activeMessageCount: 0,
          deadLetterMessageCount: 0,
          scheduledMessageCount: counts.scheduled,
          transferMessageCount: 0,
          transferDeadLetterMessageCount: 0,
          sizeInBytes: counts.sizeInBytes,
        };
      }
      const main = entity.main.counts();
      const deadLetter = entity.deadLetter.counts();
      const transferDeadLetter = entity.transferDeadLetter.counts();
      return {
        activeMessageCount: main.active + main.deferred,
        deadLetterMessageCount: deadLetter.total,
        scheduledMessageCount: main.scheduled,
        // Forwarding is synchronous here, so no message is ever waiting in transfer.
        transferMessageCount: 0,
        transferDeadLetterMessageCount: transferDeadLetter.total,
        sizeInBytes: main.sizeInBytes + deadLetter.sizeInBytes + transferDeadLetter.sizeInBytes,
      };
    },
    namespaceName: () => broker.namespace,
  };
}
