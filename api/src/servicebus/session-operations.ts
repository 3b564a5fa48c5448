/**
 * The session half of the Service Bus gateway: receiving from a given or the next available session
 * (peek-lock, holding it; or receive-and-delete, releasing it at once), peeking a session, session state, session lock renewal and release, all through the
 * {@link SessionRegistry} that holds this instance's session receivers.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusSessionReceiver, ServiceBusSessionReceiverOptions } from "@azure/service-bus";
import Long from "long";
import type { QueueEntity, ReceivableEntity, SubscriptionEntity } from "../contract/entity.js";
import { lockToken } from "../contract/lock-token.js";
import { BodyEncodingError } from "./body-codec.js";
import { entityPathOf, sourceKey } from "./entity-path.js";
import { GatewayError } from "./gateway-error.js";
import { isNoSessionAvailable, sessionMismatchOf } from "./service-bus-errors.js";
import { toMessageJson } from "./message-json.js";
import type { MessagingPort, ReceiveSessionMessagesOptions, ReceiveSessionMessagesResult } from "./messaging-port.js";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import type { HeldSession, SessionRegistry } from "./session-registry.js";
import { decodeSessionState, encodeSessionState } from "./session-state.js";
import { KEEP_RENEWING_FOR_IN_MS } from "./lock-renewal.js";

/** The registry of SDK session receivers and the messages they delivered. */
export type SdkSessionRegistry = SessionRegistry<ServiceBusSessionReceiver, ServiceBusReceivedMessage>;
type SdkHeldSession = HeldSession<ServiceBusSessionReceiver, ServiceBusReceivedMessage>;
type SessionReceiveMode = NonNullable<ReceiveSessionMessagesOptions["receiveMode"]>;

/**
 * What is known about whether entities require sessions: learnt from accepted sessions and refused
 * links, or asked of the management API.
 */
export class SessionEntityKnowledge {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly lookup?: (entity: QueueEntity | SubscriptionEntity) => Promise<boolean | undefined>) {}

  /** Records what an accepted session or a refused link showed. */
  learn(source: ReceivableEntity, requiresSession: boolean): void {
    this.known.set(entityPathOf(source).toLowerCase(), requiresSession);
  }

  /** Whether the entity requires sessions; undefined when it cannot be known (no management API). */
  async requiresSession(source: ReceivableEntity): Promise<boolean | undefined> {
    if (source.subQueue === "deadLetter") return false;
    const key = entityPathOf(source).toLowerCase();
    const known = this.known.get(key);
    if (known !== undefined || !this.lookup) return known;
    const looked = await this.lookup(source).catch(() => undefined);
    if (looked !== undefined) this.known.set(key, looked);
    return looked;
  }
}

/** The error for a session message (or a session) this instance does not hold (settlement across instances). */
export function sessionNotHeld(subject: "message" | "session"): GatewayError {
  return new GatewayError({ kind: "sessionNotHeld", subject });
}

/**
 * The error for a receiver that does not fit the entity (a session id on an entity without sessions,
 * or none on one that requires them), or undefined for other errors; what it shows is learnt.
 */
export function sessionMismatch(error: unknown, knowledge: SessionEntityKnowledge, source: ReceivableEntity): GatewayError | undefined {
  const mismatch = sessionMismatchOf(error);
  if (mismatch === undefined) return undefined;
  knowledge.learn(source, mismatch === "required");
  return mismatch === "required" ? sessionIdRequired(error) : sessionIdNotAllowed(error);
}

function sessionIdRequired(cause?: unknown): GatewayError {
  return new GatewayError({ kind: "sessionRequired" }, cause === undefined ? {} : { cause });
}

function sessionIdNotAllowed(cause?: unknown): GatewayError {
  return new GatewayError({ kind: "sessionNotAllowed", on: "entity" }, cause === undefined ? {} : { cause });
}

/**
 * Refuses, before any link is opened, a receive that does not fit the entity, when whether it requires
 * sessions is known (learned, or read from the management API). The SDK's own report of such a refused link
 * depends on timing (it may read as SessionCannotBeLocked), so asking first gives callers a stable 400.
 */
export async function assertSessionFit(knowledge: SessionEntityKnowledge, source: ReceivableEntity, wantsSession: boolean): Promise<void> {
  const requiresSession = await knowledge.requiresSession(source);
  if (requiresSession === true && !wantsSession) throw sessionIdRequired();
  if (requiresSession === false && wantsSession) throw sessionIdNotAllowed();
}

/** What {@link createSessionOperations} needs. */
export interface SessionOperationsContext {
  client: ServiceBusClient;
  sessions: SdkSessionRegistry;
  knowledge: SessionEntityKnowledge;
}

type SessionMethods = Pick<MessagingPort, "receiveSessionMessages" | "getSessionState" | "setSessionState" | "renewSessionLock" | "closeSession"> & {
  /** Receives deferred messages of a session through its receiver (held from then on), keeping them for settlement. */
  receiveDeferredSessionMessages(source: ReceivableEntity, sessionId: string, sequenceNumbers: readonly string[]): Promise<ReceivedMessageJson[]>;
};

/** The session operations of the gateway, plus the session-scoped peek it uses. */
export function createSessionOperations({ client, sessions, knowledge }: SessionOperationsContext): SessionMethods & {
  peekSessionMessages(
    source: ReceivableEntity,
    sessionId: string,
    maxMessages: number,
    fromSequenceNumber: string | undefined,
  ): Promise<ServiceBusReceivedMessage[]>;
} {
  const acceptOptions = (held: boolean, receiveMode: SessionReceiveMode = "peekLock"): ServiceBusSessionReceiverOptions => ({
    receiveMode,
    // Bytes as sent; body-codec.ts decodes them by content type.
    skipParsingBodyAsJson: true,
    // A held session stays locked while this instance holds it (the SDK renews the lock); idle release
    // in the registry ends the hold. A session accepted only for one call is not renewed.
    maxAutoLockRenewalDurationInMs: held ? KEEP_RENEWING_FOR_IN_MS : 0,
  });

  const checkSource = (source: ReceivableEntity): void => {
    if (source.subQueue === "deadLetter") {
      throw new GatewayError({ kind: "sessionNotAllowed", on: "deadLetters" });
    }
  };

  const accept = async (source: ReceivableEntity, sessionId: string, options: ServiceBusSessionReceiverOptions): Promise<ServiceBusSessionReceiver> => {
    await assertSessionFit(knowledge, source, true);
    try {
      const receiver =
        source.kind === "queue"
          ? await client.acceptSession(source.queue, sessionId, options)
          : await client.acceptSession(source.topic, source.subscription, sessionId, options);
      knowledge.learn(source, true);
      return receiver;
    } catch (error) {
      throw sessionMismatch(error, knowledge, source) ?? error;
    }
  };

  /**
   * Accepts the next available session, waiting at most `waitInMs` (at least 1 s). The SDK waits for the
   * client's whole operation timeout and ignores an abort signal meanwhile, so the wait is bounded here:
   * a session that arrives after the caller was answered is released at once.
   */
  const acceptNext = async (
    source: ReceivableEntity,
    waitInMs: number,
    options: ServiceBusSessionReceiverOptions,
  ): Promise<ServiceBusSessionReceiver | undefined> => {
    await assertSessionFit(knowledge, source, true);
    const accepting = (
      source.kind === "queue" ? client.acceptNextSession(source.queue, options) : client.acceptNextSession(source.topic, source.subscription, options)
    ).then(
      (receiver) => {
        knowledge.learn(source, true);
        return receiver;
      },
      (error: unknown) => {
        const mismatch = sessionMismatch(error, knowledge, source);
        if (mismatch) throw mismatch;
        if (isNoSessionAvailable(error)) return undefined;
        throw error;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(waitInMs, 1_000));
    });
    try {
      const outcome = await Promise.race([accepting, timedOut]);
      if (outcome !== "timeout") return outcome;
      accepting
        .then(
          (late) => late?.close(),
          () => undefined,
        )
        .catch(() => undefined);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  const acquire = (source: ReceivableEntity, sessionId: string): Promise<SdkHeldSession> => {
    checkSource(source);
    return sessions.acquire(sourceKey(source), sessionId, () => accept(source, sessionId, acceptOptions(true)));
  };

  const heldOrLost = (source: ReceivableEntity, sessionId: string): SdkHeldSession => {
    checkSource(source);
    const held = sessions.get(sourceKey(source), sessionId);
    if (!held) {
      throw sessionNotHeld("session");
    }
    return held;
  };

  /**
   * Receives and deletes messages of one session (a given id, or the next available one), then releases
   * the session at once: nothing is left to settle, so holding it would only keep others from it.
   */
  const receiveAndDelete = async (
    source: ReceivableEntity,
    maxMessages: number,
    maxWaitTimeInMs: number,
    sessionId: string | undefined,
  ): Promise<ReceiveSessionMessagesResult> => {
    const started = Date.now();
    const options = acceptOptions(false, "receiveAndDelete");
    const receiver = sessionId === undefined ? await acceptNext(source, maxWaitTimeInMs, options) : await accept(source, sessionId, options);
    if (!receiver) return { messages: [] };
    try {
      const remaining = Math.max(0, maxWaitTimeInMs - (Date.now() - started));
      const messages = await receiver.receiveMessages(maxMessages, { maxWaitTimeInMs: remaining });
      return { sessionId: receiver.sessionId, messages: messages.map((message) => toMessageJson(message, "received")) };
    } finally {
      await receiver.close().catch(() => undefined);
    }
  };

  return {
    async receiveSessionMessages(source, { maxMessages, maxWaitTimeInMs, sessionId, receiveMode = "peekLock" }) {
      checkSource(source);
      if (receiveMode === "receiveAndDelete") return receiveAndDelete(source, maxMessages, maxWaitTimeInMs, sessionId);
      const started = Date.now();
      let session: SdkHeldSession;
      if (sessionId === undefined) {
        const receiver = await acceptNext(source, maxWaitTimeInMs, acceptOptions(true));
        if (!receiver) return { messages: [] };
        session = sessions.hold(sourceKey(source), receiver);
      } else {
        session = await acquire(source, sessionId);
      }
      const remaining = Math.max(0, maxWaitTimeInMs - (Date.now() - started));
      const messages = await sessions.use(session, (receiver) => receiver.receiveMessages(maxMessages, { maxWaitTimeInMs: remaining }), { exclusive: true });
      for (const message of messages) {
        if (message.lockToken) session.messages.set(lockToken(message.lockToken), message);
      }
      return {
        sessionId: session.sessionId,
        sessionLockedUntil: session.receiver.sessionLockedUntilUtc,
        messages: messages.map((message) => toMessageJson(message, "received")),
      };
    },

    async receiveDeferredSessionMessages(source, sessionId, sequenceNumbers) {
      const session = await acquire(source, sessionId);
      const longs = sequenceNumbers.map((value) => Long.fromString(value));
      const messages = await sessions.use(session, (receiver) => receiver.receiveDeferredMessages(longs));
      for (const message of messages) {
        if (message.lockToken) session.messages.set(lockToken(message.lockToken), message);
      }
      return messages.map((message) => toMessageJson(message, "received"));
    },

    async peekSessionMessages(source, sessionId, maxMessages, fromSequenceNumber) {
      checkSource(source);
      const options = { fromSequenceNumber: Long.fromString(fromSequenceNumber ?? "1") };
      const held = sessions.get(sourceKey(source), sessionId);
      if (held) return sessions.use(held, (receiver) => receiver.peekMessages(maxMessages, options));
      // Peeking a session needs its lock: take it for this call only, so peeking does not hold it.
      const receiver = await accept(source, sessionId, acceptOptions(false));
      try {
        return await receiver.peekMessages(maxMessages, options);
      } finally {
        await receiver.close().catch(() => undefined);
      }
    },

    async getSessionState(source, sessionId) {
      const session = await acquire(source, sessionId);
      return decodeSessionState(await sessions.use(session, (receiver) => receiver.getSessionState()));
    },

    async setSessionState(source, sessionId, state) {
      let bytes: Buffer | null;
      try {
        bytes = encodeSessionState(state);
      } catch (error) {
        if (error instanceof BodyEncodingError) throw new GatewayError({ kind: "invalidSessionState", reason: error.message }, { cause: error });
        throw error;
      }
      const session = await acquire(source, sessionId);
      await sessions.use(session, (receiver) => receiver.setSessionState(bytes));
    },

    async renewSessionLock(source, sessionId) {
      const session = heldOrLost(source, sessionId);
      return sessions.use(session, (receiver) => receiver.renewSessionLock());
    },

    closeSession(source, sessionId) {
      checkSource(source);
      return sessions.release(sourceKey(source), sessionId);
    },
  };
}
