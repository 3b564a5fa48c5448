/**
 * The namespace: its entities (queues, topics, subscriptions), address resolution (case-insensitive, as
 * Service Bus paths are), sequence numbers, duplicate detection and topic fan-out. Protocol-free: the AMQP
 * layer calls it.
 */
export type { Entity, QueueEntity, ReceivableEntity, SubscriptionEntity, TopicEntity } from "./entities.js";
import type { EmulatorConfig, QueueConfig, ReceivableEntityProperties, RuleConfig, SubscriptionConfig, TopicConfig } from "../config/emulator-config.js";
import type { MessageStore } from "../store/message-store.js";
import type { BrokerMessage, IncomingMessage, MessageContent } from "./broker-message.js";
import { BrokerError, Conditions, entityNotFound } from "./broker-errors.js";
import type { ContentCodec } from "./content-codec.js";
import type { EntityDefinition } from "./entity-definitions.js";
import { applyDefinitions, deserializeDefinition, serializeDefinition } from "./entity-definitions.js";
import type { MessageQueue } from "./message-queue.js";
import { compileRule, selectCopies } from "./subscription-rules.js";
import { EntityFactory } from "./entity-factory.js";
import { checkPartitionedBatch, checkPartitionKeys } from "./partitioning.js";
import type { Entity, QueueEntity, SubscriptionEntity, TopicEntity } from "./entities.js";
import { subQueues, subscriptionPath } from "./entities.js";
import type { BrokerClock } from "./timers.js";

/** What an address names once parsed. `queue` is the main or dead-letter queue (a topic's scheduled queue). */
export interface ResolvedAddress {
  readonly entity: Entity;
  readonly queue: MessageQueue;
  readonly isManagement: boolean;
  /** The address names a dead-letter or transfer dead-letter sub-queue. */
  readonly isDeadLetter: boolean;
}

export interface NamespaceBrokerOptions {
  readonly config: EmulatorConfig;
  readonly store: MessageStore;
  readonly clock: BrokerClock;
  readonly codec: ContentCodec;
  readonly newLockToken?: () => string;
  /** Called for stored messages whose entity is no longer configured. */
  readonly onOrphanMessage?: (entityPath: string, sequenceNumber: number) => void;
}

const MANAGEMENT_SUFFIX = "/$management";
const DEAD_LETTER_SUFFIX = "/$deadletterqueue";
const TRANSFER_DEAD_LETTER_SUFFIX = "/$transfer/$deadletterqueue";
/** Service Bus forwards a message through at most four entities. */
const MAX_FORWARDING_HOPS = 4;

export class NamespaceBroker {
  readonly namespace: string;
  private readonly entities = new Map<string, Entity>();
  private readonly lastSequenceNumbers: Map<string, number>;

  private readonly factory: EntityFactory;

  constructor(private readonly options: NamespaceBrokerOptions) {
    this.namespace = options.config.namespace;
    this.factory = new EntityFactory(options, {
      forwardDeadLetter: (entity, message) => this.forwardDeadLetter(entity, message),
      publishScheduled: (topic, message) => this.publish(topic, message, this.options.clock.now(), 0),
    });
    const snapshot = options.store.load();
    const definitions = new Map<string, EntityDefinition | undefined>();
    for (const [name, json] of snapshot.entityDefinitions) definitions.set(name, json === undefined ? undefined : deserializeDefinition(json));
    const config = applyDefinitions(options.config, definitions);
    for (const queue of config.queues) this.addEntity(this.factory.queue(queue));
    for (const topic of config.topics) {
      const entity = this.factory.topic(topic);
      this.addEntity(entity);
      for (const subscription of topic.subscriptions) this.addEntity(this.factory.subscription(entity, subscription));
    }
    this.lastSequenceNumbers = snapshot.lastSequenceNumbers;
    for (const stored of snapshot.messages) {
      const entity = this.entities.get(stored.entityPath);
      if (!entity) {
        options.onOrphanMessage?.(stored.entityPath, stored.message.sequenceNumber);
        continue;
      }
      const queue =
        entity.kind === "topic"
          ? entity.scheduled
          : { main: entity.main, deadLetter: entity.deadLetter, transferDeadLetter: entity.transferDeadLetter }[stored.subQueue];
      queue.restore(stored.message);
      const last = this.lastSequenceNumbers.get(stored.entityPath) ?? 0;
      if (stored.message.sequenceNumber > last) this.lastSequenceNumbers.set(stored.entityPath, stored.message.sequenceNumber);
    }
    for (const saved of snapshot.sessionStates) {
      const entity = this.entities.get(saved.entityPath);
      if (entity && entity.kind !== "topic") entity.sessions?.restoreState(saved.sessionId, saved.state);
    }
    for (const seen of snapshot.duplicateIds) {
      const entity = this.entities.get(seen.entityPath);
      if (entity && entity.kind !== "subscription") entity.duplicates?.restore(seen.messageId, seen.seenAtMs);
    }
  }

  /** Every queue, in configuration order. */
  queues(): QueueEntity[] {
    return [...this.entities.values()].filter((entity): entity is QueueEntity => entity.kind === "queue");
  }

  /** Every topic, in configuration order. */
  topics(): TopicEntity[] {
    return [...this.entities.values()].filter((entity): entity is TopicEntity => entity.kind === "topic");
  }

  /**
   * Resolves a link or management address such as `orders`, `orders/$DeadLetterQueue`,
   * `events/Subscriptions/billing` or `orders/$management`.
   * @throws BrokerError MessagingEntityNotFound for an unknown entity.
   */
  resolve(address: string): ResolvedAddress {
    let path = address.replace(/^\/+/, "");
    let lower = path.toLowerCase();
    const isManagement = lower.endsWith(MANAGEMENT_SUFFIX);
    if (isManagement) {
      path = path.slice(0, -MANAGEMENT_SUFFIX.length);
      lower = lower.slice(0, -MANAGEMENT_SUFFIX.length);
    }
    const suffix = [TRANSFER_DEAD_LETTER_SUFFIX, DEAD_LETTER_SUFFIX].find((each) => lower.endsWith(each));
    const entity = this.entities.get(suffix ? lower.slice(0, -suffix.length) : lower);
    if (!entity || (suffix && entity.kind === "topic")) throw entityNotFound(path);
    const queue =
      entity.kind === "topic"
        ? entity.scheduled
        : suffix === TRANSFER_DEAD_LETTER_SUFFIX
          ? entity.transferDeadLetter
          : suffix
            ? entity.deadLetter
            : entity.main;
    return { entity, queue, isManagement, isDeadLetter: suffix !== undefined };
  }

  /**
   * The queue or topic that messages sent to `address` go to.
   * @throws BrokerError when the address is unknown or not something one can send to.
   */
  resolveSendTarget(address: string): QueueEntity | TopicEntity {
    const resolved = this.resolve(address);
    if (resolved.isDeadLetter || resolved.entity.kind === "subscription") {
      throw new BrokerError(Conditions.notAllowed, `Messages cannot be sent to '${address}': send to its queue or topic.`, 400);
    }
    return resolved.entity;
  }

  /**
   * Accepts messages for a queue or topic. Messages that carry a scheduled enqueue time in the future
   * become scheduled; duplicates within the detection window are accepted and dropped.
   * @returns the sequence numbers assigned (0 for a dropped duplicate).
   */
  send(address: string, messages: readonly IncomingMessage[]): number[] {
    const target = this.resolveSendTarget(address);
    checkPartitionKeys(target, messages);
    return this.sendTo(target, messages, 0);
  }

  /**
   * Accepts the messages of one batch transfer: as {@link send}, and on a partitioned entity only when they
   * would all go to one partition, as Service Bus requires.
   */
  sendBatch(address: string, messages: readonly IncomingMessage[]): number[] {
    checkPartitionedBatch(this.resolveSendTarget(address), messages);
    return this.send(address, messages);
  }

  private sendTo(target: QueueEntity | TopicEntity, messages: readonly IncomingMessage[], hops: number): number[] {
    const now = this.options.clock.now();
    // Check the whole batch first: a batch is enqueued completely or not at all.
    if (target.kind === "queue" && target.config.properties.requiresSession && messages.some((incoming) => incoming.sessionId === undefined)) {
      throw new BrokerError(
        Conditions.notAllowed,
        `The SessionId was not set on a message, and it cannot be sent to the entity '${target.path}' that has session support enabled.`,
        400,
      );
    }
    return messages.map((incoming) => {
      if (target.duplicates && incoming.messageId !== undefined && target.duplicates.isDuplicate(incoming.messageId, now)) {
        return 0;
      }
      const scheduled = incoming.scheduledEnqueueTimeMs !== undefined && incoming.scheduledEnqueueTimeMs > now;
      if (target.kind === "queue") {
        return this.enqueueOrForward(target, target.config.properties, incoming, now, scheduled, hops);
      }
      if (scheduled) {
        const message = this.createMessage(target, target.config.properties, incoming.content, incoming, now, true);
        target.scheduled.accept(message);
        return message.sequenceNumber;
      }
      this.publish(target, incoming, now, hops);
      return this.nextSequenceNumber(target.path);
    });
  }

  /**
   * Enqueues a message on a queue or subscription, or forwards it when the entity has ForwardTo. A message
   * that cannot be forwarded lands in the entity's transfer dead-letter queue.
   * @returns the sequence number it got here (0 when forwarded).
   */
  private enqueueOrForward(
    entity: QueueEntity | SubscriptionEntity,
    properties: { defaultMessageTimeToLiveInMs: number },
    incoming: IncomingMessage,
    now: number,
    scheduled: boolean,
    hops: number,
  ): number {
    const forwardTo = entity.properties.forwardTo;
    if (forwardTo === undefined) {
      const message = this.createMessage(entity, properties, incoming.content, incoming, now, scheduled);
      entity.main.accept(message);
      return message.sequenceNumber;
    }
    const failure = this.forward(forwardTo, incoming, hops);
    if (failure !== undefined) {
      const message = this.createMessage(entity, properties, incoming.content, incoming, now, false);
      message.content = {
        ...message.content,
        applicationProperties: this.options.codec.mergeApplicationProperties(message.content.applicationProperties, {
          DeadLetterReason: failure.reason,
          DeadLetterErrorDescription: failure.description,
        }),
      };
      entity.transferDeadLetter.accept(message);
    }
    return 0;
  }

  /** Sends a message on to a queue or topic; returns why it failed, or undefined. */
  private forward(targetName: string, incoming: IncomingMessage, hops: number): { reason: string; description: string } | undefined {
    if (hops + 1 > MAX_FORWARDING_HOPS) {
      return { reason: "MaxTransferHopCountExceeded", description: `The message was forwarded through more than ${MAX_FORWARDING_HOPS} entities.` };
    }
    try {
      this.sendTo(this.resolveSendTarget(targetName), [incoming], hops + 1);
      return undefined;
    } catch (error) {
      const description = error instanceof BrokerError ? error.description : String(error);
      return { reason: "TransferFailed", description: `The message could not be forwarded to '${targetName}': ${description}` };
    }
  }

  /** ForwardDeadLetteredMessagesTo: a dead-lettered message goes on to the target, marked with its source. */
  private forwardDeadLetter(entity: QueueEntity | SubscriptionEntity, message: BrokerMessage): "forwarded" | "kept" {
    const target = entity.properties.forwardDeadLetteredMessagesTo;
    if (target === undefined) return "kept";
    const incoming: IncomingMessage = {
      content: message.content,
      messageId: message.messageId,
      sessionId: message.sessionId,
      timeToLiveInMs: Number.isFinite(message.timeToLiveInMs) ? message.timeToLiveInMs : undefined,
      scheduledEnqueueTimeMs: undefined,
      sizeInBytes: message.content.body.length,
      deadLetterSource: entity.path,
    };
    const failure = this.forward(target, incoming, 0);
    if (failure !== undefined) {
      // A new number keeps the stored row apart from the dead-lettered original, which the queue removes.
      entity.transferDeadLetter.accept({
        ...message,
        sequenceNumber: this.nextSequenceNumber(entity.path),
        deadLetterSource: entity.path,
        lock: undefined,
      });
    }
    return "forwarded";
  }

  /** Adds a rule to a subscription. @throws BrokerError MessagingEntityAlreadyExists or a SQL syntax error. */
  addRule(subscription: SubscriptionEntity, rule: RuleConfig): void {
    const key = rule.name.toLowerCase();
    if (subscription.rules.has(key)) {
      // Service Bus names the rule as <namespace>:Topic:<topic>|<subscription, lower-cased>|<rule>.
      const rulePath = `${this.namespace}:Topic:${subscription.topic.path}|${subscription.config.name.toLowerCase()}|${rule.name}`;
      throw new BrokerError(Conditions.entityAlreadyExists, `The messaging entity '${rulePath}' already exists.`, 409);
    }
    subscription.rules.set(key, compileRule(rule));
    this.saveTopicDefinition(subscription.topic);
  }

  /** Replaces a rule's filter and action. @throws BrokerError MessagingEntityNotFound or a SQL syntax error. */
  updateRule(subscription: SubscriptionEntity, rule: RuleConfig): void {
    const key = rule.name.toLowerCase();
    if (!subscription.rules.has(key)) throw entityNotFound(`${subscription.path}/Rules/${rule.name}`);
    subscription.rules.set(key, compileRule(rule));
    this.saveTopicDefinition(subscription.topic);
  }

  /** Removes a rule. @throws BrokerError MessagingEntityNotFound when there is no such rule. */
  removeRule(subscription: SubscriptionEntity, name: string): void {
    if (!subscription.rules.delete(name.toLowerCase())) throw entityNotFound(`${subscription.path}/Rules/${name}`);
    this.saveTopicDefinition(subscription.topic);
  }

  /** The entity of that exact kind at a path, if any. */
  find<K extends Entity["kind"]>(kind: K, path: string): Extract<Entity, { kind: K }> | undefined {
    const entity = this.entities.get(path.toLowerCase());
    return entity?.kind === kind ? (entity as Extract<Entity, { kind: K }>) : undefined;
  }

  /** A topic's configuration as it stands now, with its subscriptions and their current rules. */
  topicConfig(topic: TopicEntity): TopicConfig {
    return {
      ...topic.config,
      subscriptions: [...topic.subscriptions.values()].map((subscription) => ({
        ...subscription.config,
        rules: [...subscription.rules.values()].map((rule) => rule.config),
      })),
    };
  }

  /** Creates a queue at run time. @throws BrokerError MessagingEntityAlreadyExists when the name is taken. */
  createQueue(config: QueueConfig): QueueEntity {
    this.assertNameFree(config.name);
    const entity = this.factory.queue(config);
    this.addEntity(entity);
    this.options.store.removeEntityData(entity.path.toLowerCase());
    this.saveDefinition({ kind: "queue", config });
    return entity;
  }

  /** Replaces a queue's properties; its messages stay. */
  updateQueue(entity: QueueEntity, config: QueueConfig): void {
    entity.config = { ...config, name: entity.path };
    this.applyReceivableProperties(entity, config.properties);
    entity.duplicates = entity.duplicates && this.factory.duplicateDetector(entity.path, config.properties);
    this.saveDefinition({ kind: "queue", config: entity.config });
  }

  /** Creates a topic (without subscriptions) at run time. */
  createTopic(config: TopicConfig): TopicEntity {
    this.assertNameFree(config.name);
    const entity = this.factory.topic({ ...config, subscriptions: [] });
    this.addEntity(entity);
    this.options.store.removeEntityData(entity.path.toLowerCase());
    this.saveTopicDefinition(entity);
    return entity;
  }

  updateTopic(entity: TopicEntity, config: TopicConfig): void {
    entity.config = { ...config, name: entity.path, subscriptions: [] };
    entity.duplicates = entity.duplicates && this.factory.duplicateDetector(entity.path, config.properties);
    this.saveTopicDefinition(entity);
  }

  createSubscription(topic: TopicEntity, config: SubscriptionConfig): SubscriptionEntity {
    if (topic.subscriptions.has(config.name.toLowerCase())) {
      throw new BrokerError(Conditions.entityAlreadyExists, `The subscription '${subscriptionPath(topic.path, config.name)}' already exists.`, 409);
    }
    const entity = this.factory.subscription(topic, config);
    this.addEntity(entity);
    this.options.store.removeEntityData(entity.path.toLowerCase());
    this.saveTopicDefinition(topic);
    return entity;
  }

  updateSubscription(entity: SubscriptionEntity, config: SubscriptionConfig): void {
    entity.config = { ...config, name: entity.config.name, rules: [] };
    this.applyReceivableProperties(entity, config.properties);
    this.saveTopicDefinition(entity.topic);
  }

  /** Deletes a queue, topic or subscription with its messages. */
  deleteEntity(entity: Entity): void {
    const doomed: Entity[] = entity.kind === "topic" ? [entity, ...entity.subscriptions.values()] : [entity];
    for (const each of doomed) {
      this.entities.delete(each.path.toLowerCase());
      if (each.kind === "topic") {
        each.scheduled.close();
      } else {
        each.sessions?.close();
        for (const queue of subQueues(each)) queue.close();
      }
    }
    this.options.store.removeEntityData(entity.path.toLowerCase());
    if (entity.kind === "subscription") {
      entity.topic.subscriptions.delete(entity.config.name.toLowerCase());
      this.saveTopicDefinition(entity.topic);
    } else {
      this.options.store.saveEntityDefinition(entity.path.toLowerCase(), undefined);
    }
  }

  private applyReceivableProperties(entity: QueueEntity | SubscriptionEntity, properties: ReceivableEntityProperties): void {
    entity.properties = properties;
    const settings = {
      lockDurationInMs: properties.lockDurationInMs,
      maxDeliveryCount: properties.maxDeliveryCount,
      deadLetteringOnMessageExpiration: properties.deadLetteringOnMessageExpiration,
    };
    entity.main.updateSettings(settings);
    entity.deadLetter.updateSettings({ ...settings, maxDeliveryCount: Number.POSITIVE_INFINITY, deadLetteringOnMessageExpiration: false });
    entity.transferDeadLetter.updateSettings({ ...settings, maxDeliveryCount: Number.POSITIVE_INFINITY, deadLetteringOnMessageExpiration: false });
    entity.sessions?.setLockDuration(properties.lockDurationInMs);
  }

  private assertNameFree(name: string): void {
    if (this.entities.has(name.toLowerCase())) {
      throw new BrokerError(Conditions.entityAlreadyExists, `The messaging entity '${name}' already exists.`, 409);
    }
  }

  private saveTopicDefinition(topic: TopicEntity): void {
    this.saveDefinition({ kind: "topic", config: this.topicConfig(topic) });
  }

  private saveDefinition(definition: EntityDefinition): void {
    this.options.store.saveEntityDefinition(definition.config.name.toLowerCase(), serializeDefinition(definition));
  }

  /** Stops every timer of every queue. */
  close(): void {
    for (const entity of this.entities.values()) {
      if (entity.kind === "topic") {
        entity.scheduled.close();
      } else {
        entity.sessions?.close();
        for (const queue of subQueues(entity)) queue.close();
      }
    }
  }

  /** Copies a message to every subscription whose rules select it. */
  private publish(
    topic: TopicEntity,
    incoming: Pick<IncomingMessage, "content" | "messageId" | "sessionId" | "timeToLiveInMs">,
    now: number,
    hops: number,
  ): void {
    if (topic.subscriptions.size === 0) return;
    const view = this.options.codec.filterView(incoming.content);
    for (const subscription of topic.subscriptions.values()) {
      // A subscription's messages live no longer than either the topic's or the subscription's default allows.
      const timeToLive = {
        defaultMessageTimeToLiveInMs: Math.min(
          subscription.config.properties.defaultMessageTimeToLiveInMs,
          topic.config.properties.defaultMessageTimeToLiveInMs,
        ),
      };
      for (const selected of selectCopies(subscription.rules.values(), view)) {
        const content = selected.view ? this.options.codec.applyView(incoming.content, view, selected.view) : incoming.content;
        const copy: IncomingMessage = {
          ...incoming,
          content,
          sessionId: selected.view ? (selected.view.system.SessionId as string | undefined) : incoming.sessionId,
          messageId: selected.view ? (selected.view.system.MessageId as string | undefined) : incoming.messageId,
          scheduledEnqueueTimeMs: undefined,
          sizeInBytes: content.body.length,
        };
        this.enqueueOrForward(subscription, timeToLive, copy, now, false, hops);
      }
    }
  }

  private createMessage(
    entity: Entity,
    properties: { defaultMessageTimeToLiveInMs: number },
    content: MessageContent,
    incoming: Pick<IncomingMessage, "messageId" | "sessionId" | "timeToLiveInMs" | "scheduledEnqueueTimeMs" | "deadLetterSource">,
    now: number,
    scheduled: boolean,
  ): BrokerMessage {
    const entityTtl = properties.defaultMessageTimeToLiveInMs;
    // A message may shorten its time to live, never extend it past the entity's default.
    const requested = incoming.timeToLiveInMs !== undefined && incoming.timeToLiveInMs > 0 ? incoming.timeToLiveInMs : undefined;
    const timeToLiveInMs = requested === undefined ? entityTtl : Math.min(requested, entityTtl);
    const finalContent =
      requested !== undefined && timeToLiveInMs < requested
        ? { ...content, properties: this.options.codec.capAbsoluteExpiryTime(content.properties, timeToLiveInMs) }
        : content;
    return {
      sequenceNumber: this.nextSequenceNumber(entity.path),
      enqueuedTimeMs: scheduled ? (incoming.scheduledEnqueueTimeMs as number) : now,
      state: scheduled ? "scheduled" : "active",
      deliveryCount: 0,
      timeToLiveInMs,
      scheduledEnqueueTimeMs: incoming.scheduledEnqueueTimeMs,
      messageId: incoming.messageId,
      sessionId: incoming.sessionId,
      deadLetterSource: incoming.deadLetterSource,
      content: finalContent,
      lock: undefined,
    };
  }

  private nextSequenceNumber(path: string): number {
    const key = path.toLowerCase();
    const next = (this.lastSequenceNumbers.get(key) ?? 0) + 1;
    this.lastSequenceNumbers.set(key, next);
    this.options.store.recordSequenceNumber(key, next);
    return next;
  }

  private addEntity(entity: Entity): void {
    this.entities.set(entity.path.toLowerCase(), entity);
  }
}
