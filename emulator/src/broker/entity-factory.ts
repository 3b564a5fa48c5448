/**
 * Builds the broker's entities from their configuration: the sub-queues of a queue or subscription (main,
 * dead-letter, transfer dead-letter) with their session registry, a topic with its scheduled-message queue,
 * a subscription with its compiled rules, and duplicate detection.
 */
import { randomUUID } from "node:crypto";
import type { QueueConfig, ReceivableEntityProperties, SubscriptionConfig, TopicConfig } from "../config/emulator-config.js";
import type { MessageStore } from "../store/message-store.js";
import type { BrokerMessage } from "./broker-message.js";
import type { ContentCodec } from "./content-codec.js";
import { DuplicateDetector } from "./duplicate-detector.js";
import type { QueueEntity, ReceivableEntity, SubscriptionEntity, TopicEntity } from "./entities.js";
import { subscriptionPath } from "./entities.js";
import { MessageQueue } from "./message-queue.js";
import { SessionRegistry } from "./session-registry.js";
import type { CompiledRule } from "./subscription-rules.js";
import { compileRule, defaultRuleConfig } from "./subscription-rules.js";
import type { BrokerClock } from "./timers.js";

/** What the factory needs of the namespace. */
export interface EntityFactoryOptions {
  readonly store: MessageStore;
  readonly clock: BrokerClock;
  readonly codec: ContentCodec;
  readonly newLockToken?: () => string;
}

/** The broker behaviour entities call back into: dead-letter forwarding and fan-out of scheduled topic messages. */
export interface EntityHooks {
  forwardDeadLetter(entity: QueueEntity | SubscriptionEntity, message: BrokerMessage): "forwarded" | "kept";
  publishScheduled(topic: TopicEntity, message: BrokerMessage): void;
}

export class EntityFactory {
  private readonly newLockToken: () => string;

  constructor(
    private readonly options: EntityFactoryOptions,
    private readonly hooks: EntityHooks,
  ) {
    this.newLockToken = options.newLockToken ?? randomUUID;
  }

  duplicateDetector(
    path: string,
    config: { requiresDuplicateDetection: boolean; duplicateDetectionHistoryTimeWindowInMs: number },
  ): DuplicateDetector | undefined {
    if (!config.requiresDuplicateDetection) return undefined;
    return new DuplicateDetector(config.duplicateDetectionHistoryTimeWindowInMs, (messageId, seenAtMs) =>
      this.options.store.recordDuplicateId(path.toLowerCase(), messageId, seenAtMs),
    );
  }

  /** The sub-queues and session registry of a queue or subscription; `owner` is the entity once built. */
  private receivableParts(
    path: string,
    properties: ReceivableEntityProperties,
    owner: () => QueueEntity | SubscriptionEntity,
  ): Pick<ReceivableEntity, "main" | "deadLetter" | "transferDeadLetter" | "sessions"> {
    let sessions: SessionRegistry | undefined;
    const common = {
      entityPath: path.toLowerCase(),
      lockDurationInMs: properties.lockDurationInMs,
      store: this.options.store,
      clock: this.options.clock,
      mergeApplicationProperties: this.options.codec.mergeApplicationProperties,
      newLockToken: this.newLockToken,
    };
    const deadLetterOptions = {
      ...common,
      maxDeliveryCount: Number.POSITIVE_INFINITY,
      deadLetteringOnMessageExpiration: false,
      expiresMessages: false,
      requiresSession: false,
      deadLetterQueue: undefined,
    };
    const deadLetter = new MessageQueue({ ...deadLetterOptions, address: `${path}/$DeadLetterQueue`, subQueue: "deadLetter" });
    const transferDeadLetter = new MessageQueue({
      ...deadLetterOptions,
      address: `${path}/$Transfer/$DeadLetterQueue`,
      subQueue: "transferDeadLetter",
    });
    const main = new MessageQueue({
      ...common,
      address: path,
      subQueue: "main",
      maxDeliveryCount: properties.maxDeliveryCount,
      deadLetteringOnMessageExpiration: properties.deadLetteringOnMessageExpiration,
      expiresMessages: true,
      requiresSession: properties.requiresSession,
      deadLetterQueue: deadLetter,
      forwardDeadLetter: (message) => this.hooks.forwardDeadLetter(owner(), message),
      onMessageAvailable: (sessionId) => sessions?.messageAvailable(sessionId),
    });
    if (properties.requiresSession) {
      const entityPath = path.toLowerCase();
      sessions = new SessionRegistry({
        lockDurationInMs: properties.lockDurationInMs,
        clock: this.options.clock,
        queue: main,
        saveState: (sessionId, state) => this.options.store.saveSessionState(entityPath, sessionId, state),
      });
    }
    return { main, deadLetter, transferDeadLetter, sessions };
  }

  queue(config: QueueConfig): QueueEntity {
    const entity: QueueEntity = {
      kind: "queue",
      path: config.name,
      config,
      properties: config.properties,
      ...this.receivableParts(config.name, config.properties, () => entity),
      duplicates: this.duplicateDetector(config.name, config.properties),
    };
    return entity;
  }

  topic(config: TopicConfig): TopicEntity {
    const topic: TopicEntity = {
      kind: "topic",
      path: config.name,
      config,
      subscriptions: new Map(),
      duplicates: this.duplicateDetector(config.name, config.properties),
      scheduled: new MessageQueue({
        address: config.name,
        entityPath: config.name.toLowerCase(),
        subQueue: "main",
        lockDurationInMs: 60_000,
        maxDeliveryCount: Number.POSITIVE_INFINITY,
        deadLetteringOnMessageExpiration: false,
        expiresMessages: false,
        requiresSession: false,
        deadLetterQueue: undefined,
        store: this.options.store,
        clock: this.options.clock,
        mergeApplicationProperties: this.options.codec.mergeApplicationProperties,
        newLockToken: this.newLockToken,
        onScheduledDue: (message) => this.hooks.publishScheduled(topic, message),
      }),
    };
    return topic;
  }

  subscription(topic: TopicEntity, config: SubscriptionConfig): SubscriptionEntity {
    const path = subscriptionPath(topic.path, config.name);
    const rules = new Map<string, CompiledRule>();
    for (const rule of config.rules.length > 0 ? config.rules : [defaultRuleConfig()]) {
      rules.set(rule.name.toLowerCase(), compileRule(rule));
    }
    const subscription: SubscriptionEntity = {
      kind: "subscription",
      path,
      topic,
      config,
      rules,
      properties: config.properties,
      ...this.receivableParts(path, config.properties, () => subscription),
    };
    topic.subscriptions.set(config.name.toLowerCase(), subscription);
    return subscription;
  }
}
