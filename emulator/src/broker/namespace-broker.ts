/**
 * The namespace: its entities, address resolution (case-insensitive, as Service Bus paths are), sequence
 * numbers, and the entry points for sending and scheduling. Protocol-free: the AMQP layer calls it.
 */
import { randomUUID } from "node:crypto";
import type { EmulatorConfig, QueueConfig, ReceivableEntityProperties } from "../config/emulator-config.js";
import type { MessageStore } from "../store/message-store.js";
import type { BrokerMessage, IncomingMessage } from "./broker-message.js";
import { BrokerError, Conditions, entityNotFound } from "./broker-errors.js";
import { MessageQueue } from "./message-queue.js";
import type { BrokerClock } from "./timers.js";

/** A queue (or, later, a subscription): a main queue with its dead-letter queue. */
export interface ReceivableEntity {
  readonly path: string;
  readonly properties: ReceivableEntityProperties;
  readonly main: MessageQueue;
  readonly deadLetter: MessageQueue;
}

export interface QueueEntity extends ReceivableEntity {
  readonly kind: "queue";
  readonly config: QueueConfig;
}

/** What an address names once parsed. */
export interface ResolvedAddress {
  readonly entity: QueueEntity;
  readonly queue: MessageQueue;
  readonly isManagement: boolean;
}

export interface NamespaceBrokerOptions {
  readonly config: EmulatorConfig;
  readonly store: MessageStore;
  readonly clock: BrokerClock;
  readonly mergeApplicationProperties: (section: Buffer, patch: Readonly<Record<string, unknown>>) => Buffer;
  /** Makes the properties section agree with a time to live the entity shortened. */
  readonly capAbsoluteExpiryTime: (section: Buffer, timeToLiveInMs: number) => Buffer;
  readonly newLockToken?: () => string;
  /** Called for stored messages whose entity is no longer configured. */
  readonly onOrphanMessage?: (entityPath: string, sequenceNumber: number) => void;
}

const MANAGEMENT_SUFFIX = "/$management";
const DEAD_LETTER_SUFFIX = "/$deadletterqueue";

export class NamespaceBroker {
  readonly namespace: string;
  private readonly entities = new Map<string, QueueEntity>();
  private readonly lastSequenceNumbers: Map<string, number>;

  constructor(private readonly options: NamespaceBrokerOptions) {
    this.namespace = options.config.namespace;
    for (const queue of options.config.queues) {
      this.entities.set(queue.name.toLowerCase(), this.createQueueEntity(queue));
    }
    const snapshot = options.store.load();
    this.lastSequenceNumbers = snapshot.lastSequenceNumbers;
    for (const stored of snapshot.messages) {
      const entity = this.entities.get(stored.entityPath);
      if (!entity) {
        options.onOrphanMessage?.(stored.entityPath, stored.message.sequenceNumber);
        continue;
      }
      (stored.subQueue === "deadLetter" ? entity.deadLetter : entity.main).restore(stored.message);
      const last = this.lastSequenceNumbers.get(stored.entityPath) ?? 0;
      if (stored.message.sequenceNumber > last) this.lastSequenceNumbers.set(stored.entityPath, stored.message.sequenceNumber);
    }
  }

  /** Every queue entity, in configuration order. */
  queues(): QueueEntity[] {
    return [...this.entities.values()];
  }

  /**
   * Resolves a link or management address such as `orders`, `orders/$DeadLetterQueue` or `orders/$management`.
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
    const isDeadLetter = lower.endsWith(DEAD_LETTER_SUFFIX);
    const entityKey = isDeadLetter ? lower.slice(0, -DEAD_LETTER_SUFFIX.length) : lower;
    const entity = this.entities.get(entityKey);
    if (!entity) throw entityNotFound(path);
    return { entity, queue: isDeadLetter ? entity.deadLetter : entity.main, isManagement };
  }

  /**
   * Enqueues accepted messages on the entity an address names. Messages that carry a scheduled enqueue
   * time in the future become scheduled messages.
   * @returns the sequence numbers assigned.
   * @throws BrokerError when the address is not something one can send to.
   */
  send(address: string, messages: readonly IncomingMessage[]): number[] {
    const target = this.resolveSendTarget(address);
    const now = this.options.clock.now();
    return messages.map((incoming) => {
      const scheduled = incoming.scheduledEnqueueTimeMs !== undefined && incoming.scheduledEnqueueTimeMs > now;
      const message = this.createMessage(target, incoming, now, scheduled);
      target.main.accept(message);
      return message.sequenceNumber;
    });
  }

  /** Stops every timer of every queue. */
  close(): void {
    for (const entity of this.entities.values()) {
      entity.main.close();
      entity.deadLetter.close();
    }
  }

  private resolveSendTarget(address: string): QueueEntity {
    const resolved = this.resolve(address);
    if (resolved.isManagement || resolved.queue !== resolved.entity.main) {
      throw new BrokerError(Conditions.notAllowed, `Messages cannot be sent to '${address}'.`, 400);
    }
    return resolved.entity;
  }

  private createMessage(
    entity: QueueEntity,
    incoming: IncomingMessage,
    now: number,
    scheduled: boolean,
  ): BrokerMessage {
    const sequenceNumber = this.nextSequenceNumber(entity.path.toLowerCase());
    const entityTtl = entity.properties.defaultMessageTimeToLiveInMs;
    // A message may shorten its time to live, never extend it past the entity's default.
    const requested = incoming.timeToLiveInMs !== undefined && incoming.timeToLiveInMs > 0 ? incoming.timeToLiveInMs : undefined;
    const timeToLiveInMs = requested === undefined ? entityTtl : Math.min(requested, entityTtl);
    const content = requested !== undefined && timeToLiveInMs < requested
      ? { ...incoming.content, properties: this.options.capAbsoluteExpiryTime(incoming.content.properties, timeToLiveInMs) }
      : incoming.content;
    return {
      sequenceNumber,
      enqueuedTimeMs: scheduled ? (incoming.scheduledEnqueueTimeMs as number) : now,
      state: scheduled ? "scheduled" : "active",
      deliveryCount: 0,
      timeToLiveInMs,
      scheduledEnqueueTimeMs: incoming.scheduledEnqueueTimeMs,
      messageId: incoming.messageId,
      sessionId: incoming.sessionId,
      deadLetterSource: undefined,
      content,
      lock: undefined,
    };
  }

  private nextSequenceNumber(entityKey: string): number {
    const next = (this.lastSequenceNumbers.get(entityKey) ?? 0) + 1;
    this.lastSequenceNumbers.set(entityKey, next);
    this.options.store.recordSequenceNumber(entityKey, next);
    return next;
  }

  private createQueueEntity(config: QueueConfig): QueueEntity {
    const entityPath = config.name.toLowerCase();
    const common = {
      entityPath,
      lockDurationInMs: config.properties.lockDurationInMs,
      store: this.options.store,
      clock: this.options.clock,
      mergeApplicationProperties: this.options.mergeApplicationProperties,
      newLockToken: this.options.newLockToken ?? randomUUID,
    };
    const deadLetter = new MessageQueue({
      ...common,
      address: `${config.name}/$DeadLetterQueue`,
      subQueue: "deadLetter",
      maxDeliveryCount: Number.POSITIVE_INFINITY,
      deadLetteringOnMessageExpiration: false,
      expiresMessages: false,
      deadLetterQueue: undefined,
    });
    const main = new MessageQueue({
      ...common,
      address: config.name,
      subQueue: "main",
      maxDeliveryCount: config.properties.maxDeliveryCount,
      deadLetteringOnMessageExpiration: config.properties.deadLetteringOnMessageExpiration,
      expiresMessages: true,
      deadLetterQueue: deadLetter,
    });
    return { kind: "queue", path: config.name, config, properties: config.properties, main, deadLetter };
  }
}
