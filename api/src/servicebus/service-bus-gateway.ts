/**
 * The Azure implementation of {@link MessagingPort} over one `ServiceBusClient`: cached senders, pooled
 * receivers, a per-source management receiver (peek, deferred receive, settlement, lock renewal), the
 * lock registry, and the session registry (session receivers held per instance, released when idle).
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusReceiverOptions, ServiceBusSender } from "@azure/service-bus";
import Long from "long";
import { entityName, sendEntityOf } from "../contract/entity.js";
import type { QueueEntity, ReceivableEntity, SendableEntity, SubscriptionEntity } from "../contract/entity.js";
import { lockToken as normalLockToken } from "../contract/lock-token.js";
import type { LockToken } from "../contract/lock-token.js";
import type { OutgoingMessageJson, ReceivedMessageJson } from "../contract/schemas/message.js";
import type { ApiLogger } from "../logger.js";
import { packBatches, sendBatches } from "./batch-sender.js";
import { sourceKey } from "./entity-path.js";
import { LockRegistry } from "./lock-registry.js";
import type { LockRegistryOptions } from "./lock-registry.js";
import { toMessageJson } from "./message-json.js";
import type { DeadLetterOptions, MessageLock, MessagingPort, PeekMessagesOptions, ReceiveMessagesOptions } from "./messaging-port.js";
import { SessionEntityKnowledge, assertSessionFit, createSessionOperations, sessionMismatch, sessionNotHeld } from "./session-operations.js";
import type { SdkSessionRegistry } from "./session-operations.js";
import { SessionRegistry } from "./session-registry.js";
import type { SessionRegistryOptions } from "./session-registry.js";
import { toServiceBusMessage } from "./outgoing-message.js";
import { ReceiverPool } from "./receiver-pool.js";
import { createSendCoalescer } from "./send-coalescer.js";
import { rehydrateLockedMessage } from "./rehydrated-message.js";
import { resubmitDeadLetters } from "./resubmit.js";
import { isLockLost, serviceBusCodeOf } from "./service-bus-errors.js";
import { GatewayError } from "./gateway-error.js";

/** Options of {@link createServiceBusGateway}. */
export interface ServiceBusGatewayOptions {
  /** The client to use; the gateway closes it on {@link MessagingPort.close}. */
  client: ServiceBusClient;
  logger: ApiLogger;
  /** A queue or subscription peeked by the readiness check; without it readiness only needs the gateway open. */
  readinessProbe?: QueueEntity | SubscriptionEntity;
  lockRegistry?: LockRegistryOptions;
  /** Held sessions: the idle time after which one is released (default 60 s). */
  sessionRegistry?: SessionRegistryOptions;
  /**
   * Tells whether an entity requires sessions (the management API), so that a lock token this instance
   * does not hold is answered with SessionLockLost on session entities instead of being settled through
   * the management path, which Service Bus allows only for messages outside sessions.
   */
  requiresSession?: (entity: QueueEntity | SubscriptionEntity) => Promise<boolean | undefined>;
}

/** What the gateway tells about the sessions it holds, for routing session calls to it (api/src/routing/). */
export interface HeldSessionLookup {
  /** Whether this instance holds the session now. */
  holdsSession(source: QueueEntity | SubscriptionEntity, sessionId: string): boolean;
  /**
   * Calls `listener` whenever a held session stops being held (closed, released when idle, or its lock lost),
   * with its entity path (`queue` or `topic/Subscriptions/subscription`) and id.
   */
  onSessionReleased(listener: (entityPath: string, sessionId: string) => void): void;
  /** Releases every session held now, so other instances can take them at once (shutdown begins). */
  releaseSessions(): Promise<void>;
}

/** The gateway: the messaging port, and what it holds. */
export type ServiceBusGateway = MessagingPort & HeldSessionLookup;

type PropertiesToModify = Record<string, string | number | boolean>;
type SdkDeadLetterOptions = Parameters<ServiceBusReceiver["deadLetterMessage"]>[1] & object;

/** Creates the Service Bus gateway. */
export function createServiceBusGateway(options: ServiceBusGatewayOptions): ServiceBusGateway {
  const { client, logger } = options;
  const senders = new Map<string, ServiceBusSender>();
  const coalescer = createSendCoalescer();
  const managementReceivers = new Map<string, ServiceBusReceiver>();
  const pool = new ReceiverPool();
  const locks = new LockRegistry<ServiceBusReceivedMessage>(options.lockRegistry);
  const releaseListeners: Array<(entityPath: string, sessionId: string) => void> = [];
  const sessions: SdkSessionRegistry = new SessionRegistry({
    ...options.sessionRegistry,
    onIdleRelease: (entity, sessionId) => logger.info({ entity, sessionId }, "released an idle session"),
    // Sessions are never held on a dead-letter sub-queue, so the source key is the entity path.
    onRelease: (entityPath, sessionId) => {
      for (const listener of releaseListeners) listener(entityPath, sessionId);
    },
  });
  const knowledge = new SessionEntityKnowledge(options.requiresSession);
  const sessionOperations = createSessionOperations({ client, sessions, knowledge });
  let closed = false;

  const receiverOptions = (source: ReceivableEntity, receiveMode: "peekLock" | "receiveAndDelete"): ServiceBusReceiverOptions => ({
    receiveMode,
    // Bytes as sent; body-codec.ts decodes them by content type.
    skipParsingBodyAsJson: true,
    // The SDK would otherwise renew every lock in the background for 5 minutes. Over HTTP the caller
    // owns the lock: it renews with RenewMessageLock, and an abandoned call must let the lock expire.
    maxAutoLockRenewalDurationInMs: 0,
    ...(source.subQueue === "deadLetter" ? { subQueueType: "deadLetter" as const } : {}),
  });

  const createReceiver = (source: ReceivableEntity, receiveMode: "peekLock" | "receiveAndDelete"): ServiceBusReceiver =>
    source.kind === "queue"
      ? client.createReceiver(source.queue, receiverOptions(source, receiveMode))
      : client.createReceiver(source.topic, source.subscription, receiverOptions(source, receiveMode));

  const sender = (entity: SendableEntity): ServiceBusSender => {
    const name = entityName(entity);
    let existing = senders.get(name);
    if (!existing) {
      existing = client.createSender(name);
      senders.set(name, existing);
    }
    return existing;
  };

  const managementReceiver = (source: ReceivableEntity): ServiceBusReceiver => {
    const key = sourceKey(source);
    let existing = managementReceivers.get(key);
    if (!existing) {
      existing = createReceiver(source, "peekLock");
      managementReceivers.set(key, existing);
    }
    return existing;
  };

  const remember = (source: ReceivableEntity, messages: ServiceBusReceivedMessage[]): ReceivedMessageJson[] =>
    messages.map((message) => {
      if (message.lockToken) locks.add(sourceKey(source), normalLockToken(message.lockToken), message, message.lockedUntilUtc);
      return toMessageJson(message, "received");
    });

  const lockedMessage = (source: ReceivableEntity, lockToken: LockToken): ServiceBusReceivedMessage =>
    locks.get(sourceKey(source), lockToken) ?? rehydrateLockedMessage(lockToken);

  /**
   * A token this instance does not hold: settled through the management path, except on entities that
   * require sessions, where only the instance holding the session can settle it.
   */
  const checkUnheldToken = async (source: ReceivableEntity, { lockToken, sessionId }: MessageLock): Promise<void> => {
    if (locks.get(sourceKey(source), lockToken) || !(await knowledge.requiresSession(source))) return;
    throw sessionId === undefined ? new GatewayError({ kind: "sessionIdNeeded" }) : sessionNotHeld("message");
  };

  const settle = async (
    source: ReceivableEntity,
    lock: MessageLock,
    action: (receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage) => Promise<void>,
  ): Promise<void> => {
    const { lockToken } = lock;
    const session = sessions.findByLockToken(sourceKey(source), lockToken);
    if (session) {
      const message = session.messages.get(lockToken) as ServiceBusReceivedMessage;
      try {
        await sessions.use(session, (receiver) => action(receiver, message));
        session.messages.delete(lockToken);
      } catch (error) {
        if (isLockLost(error)) session.messages.delete(lockToken);
        throw error;
      }
      return;
    }
    await checkUnheldToken(source, lock);
    try {
      await action(managementReceiver(source), lockedMessage(source, lockToken));
      locks.remove(lockToken);
    } catch (error) {
      if (isLockLost(error)) locks.remove(lockToken);
      throw sessionIdNeededFor(lock, error) ?? (await sessionLockLostFor(source, lock, error)) ?? error;
    }
  };

  /**
   * Service Bus refuses a session message's token on the management path with SessionLockLost: when the call named
   * no session (and whether the entity has sessions was not known before), the session's id is what is missing.
   */
  const sessionIdNeededFor = (lock: MessageLock, error: unknown): GatewayError | undefined =>
    lock.sessionId === undefined && serviceBusCodeOf(error) === "SessionLockLost" ? new GatewayError({ kind: "sessionIdNeeded" }, { cause: error }) : undefined;

  /**
   * A token named with its session that Service Bus no longer knows on the management path: its session's lock
   * was lost (the holder released it, stopped or died), which is SessionLockLost, unless the entity is known to
   * have no sessions (then the session id meant nothing and MessageLockLost stands).
   */
  const sessionLockLostFor = async (source: ReceivableEntity, lock: MessageLock, error: unknown): Promise<GatewayError | undefined> =>
    lock.sessionId !== undefined && serviceBusCodeOf(error) === "MessageLockLost" && (await knowledge.requiresSession(source)) !== false
      ? sessionNotHeld("message")
      : undefined;

  const toLongs = (sequenceNumbers: readonly string[]): Long[] => sequenceNumbers.map((value) => Long.fromString(value));

  return {
    holdsSession(source, sessionId) {
      return sessions.get(sourceKey({ ...source, subQueue: "main" }), sessionId) !== undefined;
    },

    onSessionReleased(listener) {
      releaseListeners.push(listener);
    },

    async releaseSessions() {
      if (sessions.size > 0) logger.info({ heldSessions: sessions.size }, "releasing held sessions");
      await sessions.releaseAll();
    },

    heldCounts() {
      return { locks: locks.size, sessions: sessions.size };
    },

    async sendMessage(entity, message) {
      const sdkMessage = toServiceBusMessage(message);
      // Single sends of concurrent requests leave together (send-coalescer.ts); each still gets its own answer.
      await coalescer.send(entityName(entity), sender(entity), sdkMessage);
      return { messageId: String(sdkMessage.messageId) };
    },

    async sendMessages(entity, messages) {
      const sdkMessages = messages.map((message, index) => toServiceBusMessage(message, index));
      const messageIds = sdkMessages.map((message) => String(message.messageId));
      const target = sender(entity);
      const batches = await packBatches(target, sdkMessages);
      await sendBatches(target, batches, messageIds);
      return { messageIds, batchCount: batches.length };
    },

    async scheduleMessages(entity, messages: readonly OutgoingMessageJson[], scheduledEnqueueTime) {
      const sdkMessages = messages.map((message, index) => toServiceBusMessage(message, index));
      const sequenceNumbers = await sender(entity).scheduleMessages(sdkMessages, scheduledEnqueueTime);
      return sequenceNumbers.map((value) => value.toString());
    },

    async cancelScheduledMessages(entity, sequenceNumbers) {
      await sender(entity).cancelScheduledMessages(toLongs(sequenceNumbers));
    },

    async peekMessages(source, { maxMessages, fromSequenceNumber, sessionId }: PeekMessagesOptions) {
      if (sessionId !== undefined) {
        const messages = await sessionOperations.peekSessionMessages(source, sessionId, maxMessages, fromSequenceNumber);
        return messages.map((message) => toMessageJson(message, "peeked"));
      }
      const messages = await managementReceiver(source).peekMessages(maxMessages, {
        fromSequenceNumber: Long.fromString(fromSequenceNumber ?? "1"),
      });
      return messages.map((message) => toMessageJson(message, "peeked"));
    },

    async receiveMessages(source, { maxMessages, maxWaitTimeInMs, receiveMode }: ReceiveMessagesOptions) {
      await assertSessionFit(knowledge, source, false);
      const key = `${sourceKey(source)}|${receiveMode}`;
      let messages: ServiceBusReceivedMessage[];
      try {
        messages = await pool.use(
          key,
          () => createReceiver(source, receiveMode),
          (receiver) => receiver.receiveMessages(maxMessages, { maxWaitTimeInMs }),
        );
      } catch (error) {
        throw sessionMismatch(error, knowledge, source) ?? error;
      }
      return receiveMode === "peekLock" ? remember(source, messages) : messages.map((message) => toMessageJson(message, "received"));
    },

    async receiveDeferredMessages(source, sequenceNumbers, receiveOptions = {}) {
      if (receiveOptions.sessionId !== undefined) return sessionOperations.receiveDeferredSessionMessages(source, receiveOptions.sessionId, sequenceNumbers);
      const messages = await managementReceiver(source).receiveDeferredMessages(toLongs(sequenceNumbers));
      return remember(source, messages);
    },

    completeMessage(source, lock) {
      return settle(source, lock, (receiver, message) => receiver.completeMessage(message));
    },

    abandonMessage(source, lock, propertiesToModify?: PropertiesToModify) {
      return settle(source, lock, (receiver, message) => receiver.abandonMessage(message, propertiesToModify));
    },

    deferMessage(source, lock, propertiesToModify?: PropertiesToModify) {
      return settle(source, lock, (receiver, message) => receiver.deferMessage(message, propertiesToModify));
    },

    deadLetterMessage(source, lock, deadLetter: DeadLetterOptions) {
      // The SDK takes the reason, the description and the properties to modify in one object.
      // The SDK's type marks both texts required, but it sends only those that are set.
      const sdkOptions = {
        ...deadLetter.propertiesToModify,
        ...(deadLetter.deadLetterReason === undefined ? {} : { deadLetterReason: deadLetter.deadLetterReason }),
        ...(deadLetter.deadLetterErrorDescription === undefined ? {} : { deadLetterErrorDescription: deadLetter.deadLetterErrorDescription }),
      } as SdkDeadLetterOptions;
      return settle(source, lock, (receiver, message) => receiver.deadLetterMessage(message, sdkOptions));
    },

    async renewMessageLock(source, lock) {
      const { lockToken } = lock;
      // A session message's lock is its session's lock: renewing it renews the session lock.
      const session = sessions.findByLockToken(sourceKey(source), lockToken);
      if (session) return sessions.use(session, (receiver) => receiver.renewSessionLock());
      await checkUnheldToken(source, lock);
      try {
        const lockedUntil = await managementReceiver(source).renewMessageLock(lockedMessage(source, lockToken));
        locks.renewed(lockToken, lockedUntil);
        return lockedUntil;
      } catch (error) {
        if (isLockLost(error)) locks.remove(lockToken);
        throw sessionIdNeededFor(lock, error) ?? (await sessionLockLostFor(source, lock, error)) ?? error;
      }
    },

    receiveSessionMessages: sessionOperations.receiveSessionMessages,
    getSessionState: sessionOperations.getSessionState,
    setSessionState: sessionOperations.setSessionState,
    renewSessionLock: sessionOperations.renewSessionLock,
    closeSession: sessionOperations.closeSession,

    resubmitDeadLetters(source, selection, options = {}) {
      const deadLetters: ReceivableEntity = { ...source, subQueue: "deadLetter" };
      const subscription = source.kind === "subscription" ? { subscription: source.subscription } : {};
      return pool.use(
        `${sourceKey(deadLetters)}|resubmit`,
        () => createReceiver(deadLetters, "peekLock"),
        (receiver) => resubmitDeadLetters({ receiver, sender: sender(sendEntityOf(source)), selection, options, ...subscription, logger }),
      );
    },

    async checkReadiness(timeoutInMs) {
      if (closed) throw new Error("The Service Bus gateway is closed.");
      const probe = options.readinessProbe;
      if (!probe) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Service Bus did not answer within ${timeoutInMs} ms.`)), timeoutInMs);
      });
      try {
        await Promise.race([managementReceiver({ ...probe, subQueue: "main" }).peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      if (locks.size > 0) {
        logger.info({ heldLocks: locks.size }, "closing with locked messages; Service Bus redelivers them when their locks expire");
      }
      if (sessions.size > 0) logger.info({ heldSessions: sessions.size }, "releasing held sessions");
      locks.close();
      await sessions.close();
      await pool.close();
      await Promise.allSettled([...managementReceivers.values()].map((receiver) => receiver.close()));
      await Promise.allSettled([...senders.values()].map((each) => each.close()));
      await client.close();
    },
  };
}
