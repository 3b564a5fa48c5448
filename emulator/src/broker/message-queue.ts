/**
 * One queue of messages: the main queue of a Service Bus queue or subscription, or its dead-letter
 * sub-queue. It owns the peek-lock state machine: delivery to consumers in credit order, lock timers,
 * delivery counts, MaxDeliveryCount and TTL dead-lettering, deferral and scheduling.
 */
import type { MessageStore, SubQueue } from "../store/message-store.js";
import type { BrokerMessage } from "./broker-message.js";
import { expiresAtMs } from "./broker-message.js";
import { BrokerError, Conditions, messageLockLost } from "./broker-errors.js";
import { MinHeap } from "./min-heap.js";
import type { BrokerClock } from "./timers.js";
import { runAt } from "./timers.js";

export type ReceiveMode = "peekLock" | "receiveAndDelete";

/** A receiver link as the queue sees it: it takes messages while it has credit. */
export interface MessageConsumer {
  readonly id: string;
  readonly receiveMode: ReceiveMode;
  /** How many more messages it takes now. */
  readonly credit: number;
  /** Hands over one message; called synchronously while the consumer has credit. */
  deliver(message: BrokerMessage): void;
  /**
   * The session this consumer holds the lock of (session receivers only). It receives only that session's
   * messages, and their locks last as long as the session lock.
   */
  readonly session?: { readonly sessionId: string; readonly lockedUntilMs: number };
  /**
   * Told when the lock of a message this consumer received ends, whatever ended it (a settlement on any path,
   * expiry, a lost session): the link can forget the delivery.
   */
  lockEnded?(lockToken: string): void;
}

/** How a locked message is settled. Property maps are merged into the application properties. */
export type Settlement =
  | { kind: "complete" }
  | { kind: "abandon"; propertiesToModify?: Record<string, unknown> }
  | { kind: "defer"; propertiesToModify?: Record<string, unknown> }
  | { kind: "deadLetter"; reason?: string; description?: string; propertiesToModify?: Record<string, unknown> };

export interface MessageQueueOptions {
  /** The address clients use, e.g. `orders` or `orders/$DeadLetterQueue`. */
  readonly address: string;
  /** The store key of the entity (main queue and dead-letter queue share it). */
  readonly entityPath: string;
  readonly subQueue: SubQueue;
  readonly lockDurationInMs: number;
  /** Infinity for a dead-letter queue, which never dead-letters. */
  readonly maxDeliveryCount: number;
  readonly deadLetteringOnMessageExpiration: boolean;
  /** False for a dead-letter queue: dead-lettered messages do not expire. */
  readonly expiresMessages: boolean;
  /**
   * Called for a message being dead-lettered; "forwarded" when the entity forwards its dead letters
   * (ForwardDeadLetteredMessagesTo) and the broker took the message, "kept" to put it in the dead-letter queue.
   */
  readonly forwardDeadLetter?: (message: BrokerMessage) => "forwarded" | "kept";
  /** Where dead-lettered messages go; undefined for a dead-letter queue itself. */
  readonly deadLetterQueue: MessageQueue | undefined;
  readonly store: MessageStore;
  readonly clock: BrokerClock;
  readonly mergeApplicationProperties: (section: Buffer, patch: Readonly<Record<string, unknown>>) => Buffer;
  readonly newLockToken: () => string;
  /** Session-enabled main queues keep each session's messages apart; other queues ignore session ids. */
  readonly requiresSession: boolean;
  /** Told when a message becomes available, with its session id ("" for none): session acceptors wait on it. */
  readonly onMessageAvailable?: (sessionKey: string) => void;
  /** When set, a scheduled message that falls due is removed and handed here instead of becoming active (topics). */
  readonly onScheduledDue?: (message: BrokerMessage) => void;
}

/** Counts of a queue's messages by state, for runtime properties. */
export interface QueueCounts {
  active: number;
  deferred: number;
  scheduled: number;
  total: number;
  /** Encoded size of the stored messages. */
  sizeInBytes: number;
}

interface ExpiryEntry {
  atMs: number;
  sequenceNumber: number;
}

export const DEAD_LETTER_REASONS = {
  maxDeliveryCountExceeded: "MaxDeliveryCountExceeded",
  ttlExpired: "TTLExpiredException",
} as const;

export class MessageQueue {
  private readonly messages = new Map<number, BrokerMessage>();
  /** Sequence numbers in order, for peeking; entries of removed messages are skipped and compacted. */
  private ordered: number[] = [];
  private staleOrdered = 0;
  /** Available sequence numbers per session id ("" for messages without one), lowest first. */
  private readonly available = new Map<string, MinHeap<number>>();
  private readonly expiries = new MinHeap<ExpiryEntry>((a, b) => a.atMs < b.atMs);
  private expiryTimer: { atMs: number; cancel: () => void } | undefined;
  private readonly scheduleTimers = new Map<number, () => void>();
  private readonly locks = new Map<string, BrokerMessage>();
  private readonly consumers = new Map<string, MessageConsumer>();
  /** Consumers with credit, in the order their credit arrived. */
  private waiting: MessageConsumer[] = [];
  private dispatching = false;
  private closed = false;

  constructor(public options: MessageQueueOptions) {}

  /** Applies changed entity properties (management API update); current locks keep their expiry. */
  updateSettings(settings: Pick<MessageQueueOptions, "lockDurationInMs" | "maxDeliveryCount" | "deadLetteringOnMessageExpiration">): void {
    this.options = { ...this.options, ...settings };
  }

  get address(): string {
    return this.options.address;
  }

  /** Puts back a message loaded from the store at start; its lock, if any, was lost with the restart. */
  restore(message: BrokerMessage): void {
    this.insert(message);
    this.placeByState(message);
  }

  /** Takes a newly accepted (or moved) message, persisting it. */
  accept(message: BrokerMessage): void {
    this.insert(message);
    this.options.store.insert(this.options.entityPath, this.options.subQueue, message);
    this.placeByState(message);
    this.dispatch();
  }

  addConsumer(consumer: MessageConsumer): void {
    this.consumers.set(consumer.id, consumer);
  }

  removeConsumer(consumer: MessageConsumer): void {
    this.consumers.delete(consumer.id);
    this.waiting = this.waiting.filter((waiting) => waiting !== consumer);
  }

  /** Call when a consumer's credit grew: it joins the line and gets what is available. */
  creditAdded(consumer: MessageConsumer): void {
    if (this.consumers.get(consumer.id) !== consumer) return;
    if (!this.waiting.includes(consumer)) this.waiting.push(consumer);
    this.dispatch();
  }

  /** Delivers available messages to waiting consumers, one at a time in turn. */
  dispatch(): void {
    if (this.dispatching || this.closed) return;
    this.dispatching = true;
    const idle: MessageConsumer[] = [];
    try {
      while (this.waiting.length > 0) {
        const consumer = this.waiting[0] as MessageConsumer;
        if (consumer.credit <= 0 || this.consumers.get(consumer.id) !== consumer) {
          this.waiting.shift();
          continue;
        }
        const message = this.takeNextAvailable(consumer.session?.sessionId ?? "");
        this.waiting.shift();
        if (!message) {
          // Nothing for this consumer now; it keeps its place for later (other consumers may still be served).
          idle.push(consumer);
          continue;
        }
        this.handOver(message, consumer);
        if (consumer.credit > 0) this.waiting.push(consumer);
      }
      this.waiting.unshift(...idle);
    } finally {
      this.dispatching = false;
    }
  }

  /**
   * Settles a locked message. `holderId`, when given, must be the consumer that received it (a link
   * disposition); the management path passes none and may settle any lock of this queue.
   * @throws BrokerError MessageLockLost when the lock is unknown, expired or held by another link.
   */
  settle(lockToken: string, settlement: Settlement, holderId?: string): void {
    const message = this.lockedMessage(lockToken, holderId);
    if (settlement.kind === "deadLetter" && !this.options.deadLetterQueue) {
      throw new BrokerError(Conditions.notAllowed, `A message in the dead-letter queue '${this.address}' cannot be dead-lettered again.`, 400);
    }
    this.releaseLock(message);
    const patch = settlement.kind === "complete" ? undefined : settlement.propertiesToModify;
    if (patch) this.modifyApplicationProperties(message, patch);
    switch (settlement.kind) {
      case "complete":
        this.remove(message);
        break;
      case "abandon":
        this.returnToQueue(message);
        break;
      case "defer":
        message.state = "deferred";
        this.persist(message);
        break;
      case "deadLetter":
        this.deadLetter(message, settlement.reason, settlement.description);
        break;
    }
    this.dispatch();
  }

  /**
   * Extends a lock by the lock duration from now.
   * @returns the new locked-until time.
   * @throws BrokerError MessageLockLost when the lock is unknown or expired.
   */
  renewLock(lockToken: string): number {
    const message = this.lockedMessage(lockToken, undefined);
    const lock = message.lock as NonNullable<BrokerMessage["lock"]>;
    lock.cancelTimer();
    lock.lockedUntilMs = this.options.clock.now() + this.options.lockDurationInMs;
    lock.cancelTimer = runAt(this.options.clock, lock.lockedUntilMs, () => this.lockExpired(message));
    return lock.lockedUntilMs;
  }

  /** Messages in sequence order from `fromSequenceNumber`, whatever their state; takes no lock. */
  peek(fromSequenceNumber: number, maxCount: number, sessionId?: string): BrokerMessage[] {
    const result: BrokerMessage[] = [];
    let index = lowerBound(this.ordered, fromSequenceNumber);
    while (index < this.ordered.length && result.length < maxCount) {
      const message = this.messages.get(this.ordered[index] as number);
      if (message && (sessionId === undefined || message.sessionId === sessionId)) result.push(message);
      index += 1;
    }
    return result;
  }

  /**
   * Receives deferred messages by sequence number (peek-lock locks them, receive-and-delete removes them).
   * @throws BrokerError MessageNotFound when a number is not a deferred message of this queue.
   */
  receiveDeferred(sequenceNumbers: readonly number[], receiveMode: ReceiveMode, sessionId?: string): BrokerMessage[] {
    const found = sequenceNumbers.map((sequenceNumber) => {
      const message = this.messages.get(sequenceNumber);
      if (message?.state !== "deferred" || message.lock || (sessionId !== undefined && message.sessionId !== sessionId)) {
        throw new BrokerError(
          Conditions.messageNotFound,
          `Failed to lock one or more specified messages. The message with sequence number ${sequenceNumber} is not a deferred message of '${this.address}', or is locked.`,
          404,
        );
      }
      return message;
    });
    for (const message of found) {
      message.deliveryCount += 1;
      if (receiveMode === "receiveAndDelete") {
        this.remove(message);
      } else {
        this.lock(message, undefined);
        this.persist(message);
      }
    }
    return found;
  }

  /**
   * Cancels scheduled messages; numbers that are not scheduled messages here are ignored, as the service does.
   */
  cancelScheduled(sequenceNumbers: readonly number[]): void {
    for (const sequenceNumber of sequenceNumbers) {
      const message = this.messages.get(sequenceNumber);
      if (message && message.state === "scheduled") this.remove(message);
    }
  }

  /** The message holding this lock token, if the lock is current. */
  findLocked(lockToken: string): BrokerMessage | undefined {
    return this.locks.get(lockToken);
  }

  counts(): QueueCounts {
    const counts: QueueCounts = { active: 0, deferred: 0, scheduled: 0, total: this.messages.size, sizeInBytes: 0 };
    for (const message of this.messages.values()) {
      counts[message.state] += 1;
      const { content } = message;
      counts.sizeInBytes += content.properties.length + content.applicationProperties.length + content.body.length + content.messageAnnotations.length;
    }
    return counts;
  }

  /** Stops every timer; the queue takes no more work. */
  close(): void {
    this.closed = true;
    for (const message of this.locks.values()) message.lock?.cancelTimer();
    for (const cancel of this.scheduleTimers.values()) cancel();
    this.expiryTimer?.cancel();
    this.consumers.clear();
    this.waiting = [];
  }

  private insert(message: BrokerMessage): void {
    this.messages.set(message.sequenceNumber, message);
    const last = this.ordered[this.ordered.length - 1];
    if (last === undefined || message.sequenceNumber > last) {
      this.ordered.push(message.sequenceNumber);
    } else {
      this.ordered.splice(lowerBound(this.ordered, message.sequenceNumber), 0, message.sequenceNumber);
    }
  }

  private placeByState(message: BrokerMessage): void {
    if (message.state === "scheduled") {
      this.armSchedule(message);
    } else if (message.state === "active") {
      this.makeAvailable(message);
    }
  }

  private makeAvailable(message: BrokerMessage): void {
    const key = this.sessionKey(message);
    let heap = this.available.get(key);
    if (!heap) {
      heap = new MinHeap<number>((a, b) => a < b);
      this.available.set(key, heap);
    }
    heap.push(message.sequenceNumber);
    this.watchExpiry(message);
    this.options.onMessageAvailable?.(key);
  }

  private sessionKey(message: BrokerMessage): string {
    return this.options.requiresSession ? (message.sessionId ?? "") : "";
  }

  /** Session ids that have a message available now, oldest message first. */
  sessionsWithAvailableMessages(): string[] {
    const found: Array<{ sessionId: string; first: number }> = [];
    for (const [key, heap] of this.available) {
      if (key === "") continue;
      const first = this.peekAvailable(heap);
      if (first !== undefined) found.push({ sessionId: key, first });
    }
    return found.sort((a, b) => a.first - b.first).map((entry) => entry.sessionId);
  }

  /** The lowest available sequence number in a heap, dropping stale entries on the way. */
  private peekAvailable(heap: MinHeap<number>): number | undefined {
    for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
      if (this.isAvailable(this.messages.get(top))) return top;
      heap.pop();
    }
    return undefined;
  }

  private isAvailable(message: BrokerMessage | undefined): message is BrokerMessage {
    return message !== undefined && message.state === "active" && message.lock === undefined;
  }

  private takeNextAvailable(sessionKey: string): BrokerMessage | undefined {
    const heap = this.available.get(sessionKey);
    if (!heap) return undefined;
    const now = this.options.clock.now();
    for (;;) {
      const sequenceNumber = heap.pop();
      if (sequenceNumber === undefined) return undefined;
      const message = this.messages.get(sequenceNumber);
      if (!this.isAvailable(message)) continue;
      if (this.isExpired(message, now)) {
        this.expire(message);
        continue;
      }
      return message;
    }
  }

  private handOver(message: BrokerMessage, consumer: MessageConsumer): void {
    if (consumer.receiveMode === "receiveAndDelete") {
      this.remove(message);
    } else {
      this.lock(message, consumer.id, consumer.session?.lockedUntilMs);
    }
    consumer.deliver(message);
  }

  /**
   * Locks a message. `sessionLockedUntilMs` is given for session receivers: the message lock then lasts as
   * long as the session lock (renewed and released with it) and has no timer of its own.
   */
  private lock(message: BrokerMessage, holderId: string | undefined, sessionLockedUntilMs?: number): void {
    const token = this.options.newLockToken();
    const lockedUntilMs = sessionLockedUntilMs ?? this.options.clock.now() + this.options.lockDurationInMs;
    message.lock = {
      token,
      lockedUntilMs,
      holderId,
      cancelTimer: sessionLockedUntilMs === undefined ? runAt(this.options.clock, lockedUntilMs, () => this.lockExpired(message)) : () => undefined,
    };
    this.locks.set(token, message);
  }

  /** A session lock was renewed: the locks of the messages its holder received follow it. */
  extendHolderLocks(holderId: string, lockedUntilMs: number): void {
    for (const message of this.locks.values()) {
      if (message.lock?.holderId === holderId) message.lock.lockedUntilMs = lockedUntilMs;
    }
  }

  /** A session lock ended: messages its holder still had locked count an attempt and become available. */
  releaseHolderLocks(holderId: string): void {
    const held = [...this.locks.values()].filter((message) => message.lock?.holderId === holderId);
    for (const message of held) {
      this.releaseLock(message);
      this.returnToQueue(message);
    }
    if (held.length > 0) this.dispatch();
  }

  private releaseLock(message: BrokerMessage): void {
    const lock = message.lock;
    if (!lock) return;
    lock.cancelTimer();
    this.locks.delete(lock.token);
    message.lock = undefined;
    if (lock.holderId !== undefined) this.consumers.get(lock.holderId)?.lockEnded?.(lock.token);
  }

  private lockedMessage(lockToken: string, holderId: string | undefined): BrokerMessage {
    const message = this.locks.get(lockToken);
    if (!message?.lock || message.lock.lockedUntilMs <= this.options.clock.now()) throw messageLockLost();
    if (holderId !== undefined && message.lock.holderId !== holderId) throw messageLockLost();
    return message;
  }

  private lockExpired(message: BrokerMessage): void {
    if (this.closed || !message.lock || !this.messages.has(message.sequenceNumber)) return;
    this.releaseLock(message);
    this.returnToQueue(message);
    this.dispatch();
  }

  /**
   * After an abandon or a lost lock: count the attempt, then dead-letter, expire or make available. A
   * dead-letter queue counts no attempts, as in Service Bus: its messages keep the count they arrived with.
   */
  private returnToQueue(message: BrokerMessage): void {
    if (message.state !== "active") {
      this.persist(message);
      return;
    }
    if (this.options.deadLetterQueue) message.deliveryCount += 1;
    if (message.deliveryCount >= this.options.maxDeliveryCount) {
      this.deadLetter(
        message,
        DEAD_LETTER_REASONS.maxDeliveryCountExceeded,
        `Message could not be consumed after ${this.options.maxDeliveryCount} delivery attempts.`,
      );
    } else if (this.isExpired(message, this.options.clock.now())) {
      this.persist(message);
      this.expire(message);
    } else {
      this.persist(message);
      this.makeAvailable(message);
    }
  }

  private deadLetter(message: BrokerMessage, reason: string | undefined, description: string | undefined): void {
    const target = this.options.deadLetterQueue;
    if (!target) {
      // A dead-letter queue keeps what cannot be delivered: the message stays available.
      this.persist(message);
      this.makeAvailable(message);
      return;
    }
    const patch: Record<string, unknown> = {};
    if (reason !== undefined) patch.DeadLetterReason = reason;
    if (description !== undefined) patch.DeadLetterErrorDescription = description;
    this.modifyApplicationProperties(message, patch);
    this.detach(message);
    message.state = "active";
    if (this.options.forwardDeadLetter?.(message) === "forwarded") {
      this.options.store.remove(this.options.entityPath, message.sequenceNumber);
      return;
    }
    // The dead-letter queue shares the entity's store key: moving the message is an update of its row.
    target.insert(message);
    this.options.store.update(this.options.entityPath, target.options.subQueue, message);
    target.placeByState(message);
    target.dispatch();
  }

  private expire(message: BrokerMessage): void {
    if (this.options.deadLetteringOnMessageExpiration && this.options.deadLetterQueue) {
      this.deadLetter(message, DEAD_LETTER_REASONS.ttlExpired, "The message expired and was dead lettered.");
    } else {
      this.remove(message);
    }
  }

  private remove(message: BrokerMessage): void {
    this.detach(message);
    this.options.store.remove(this.options.entityPath, message.sequenceNumber);
  }

  /** Forgets a message here without touching the store. */
  private detach(message: BrokerMessage): void {
    this.releaseLock(message);
    this.scheduleTimers.get(message.sequenceNumber)?.();
    this.scheduleTimers.delete(message.sequenceNumber);
    this.messages.delete(message.sequenceNumber);
    this.staleOrdered += 1;
    if (this.staleOrdered > 1024 && this.staleOrdered > this.messages.size) {
      this.ordered = this.ordered.filter((sequenceNumber) => this.messages.has(sequenceNumber));
      this.staleOrdered = 0;
    }
  }

  private persist(message: BrokerMessage): void {
    this.options.store.update(this.options.entityPath, this.options.subQueue, message);
  }

  private modifyApplicationProperties(message: BrokerMessage, patch: Readonly<Record<string, unknown>>): void {
    if (Object.keys(patch).length === 0) return;
    message.content = { ...message.content, applicationProperties: this.options.mergeApplicationProperties(message.content.applicationProperties, patch) };
  }

  private armSchedule(message: BrokerMessage): void {
    const at = message.scheduledEnqueueTimeMs ?? this.options.clock.now();
    const cancel = runAt(this.options.clock, at, () => {
      this.scheduleTimers.delete(message.sequenceNumber);
      if (this.closed || this.messages.get(message.sequenceNumber) !== message) return;
      if (this.options.onScheduledDue) {
        this.remove(message);
        this.options.onScheduledDue(message);
        return;
      }
      message.state = "active";
      message.enqueuedTimeMs = Math.max(at, message.enqueuedTimeMs);
      this.persist(message);
      this.makeAvailable(message);
      this.dispatch();
    });
    this.scheduleTimers.set(message.sequenceNumber, cancel);
  }

  private isExpired(message: BrokerMessage, now: number): boolean {
    return this.options.expiresMessages && expiresAtMs(message) <= now;
  }

  private watchExpiry(message: BrokerMessage): void {
    const atMs = expiresAtMs(message);
    if (!this.options.expiresMessages || !Number.isFinite(atMs)) return;
    this.expiries.push({ atMs, sequenceNumber: message.sequenceNumber });
    if (!this.expiryTimer || atMs < this.expiryTimer.atMs) this.armExpiryTimer();
  }

  private armExpiryTimer(): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    const next = this.expiries.peek();
    if (!next || this.closed) return;
    this.expiryTimer = { atMs: next.atMs, cancel: runAt(this.options.clock, next.atMs, () => this.expireDue()) };
  }

  private expireDue(): void {
    this.expiryTimer = undefined;
    const now = this.options.clock.now();
    for (let next = this.expiries.peek(); next && next.atMs <= now; next = this.expiries.peek()) {
      this.expiries.pop();
      const message = this.messages.get(next.sequenceNumber);
      // Locked messages expire when their lock ends; deferred ones never expire (as in Service Bus).
      if (this.isAvailable(message) && this.isExpired(message, now)) this.expire(message);
    }
    this.armExpiryTimer();
  }
}

/** The index of the first element >= value in a sorted array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
