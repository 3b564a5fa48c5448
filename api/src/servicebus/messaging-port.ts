/**
 * The seam between HTTP handlers and Service Bus. The Azure implementation is
 * {@link createServiceBusGateway}; unit tests use a fake. Inputs and outputs are the API's own
 * JSON shapes, so handlers never see SDK types.
 */
import type { ReceivableEntity, SendableEntity } from "../contract/entity.js";
import type { LockToken } from "../contract/lock-token.js";
import type { OutgoingMessageJson, ReceivedMessageJson } from "../contract/schemas/message.js";
import type { BodyEncoding } from "./body-codec.js";
import type { GatewayError } from "./gateway-error.js";

/** Result of {@link MessagingPort.sendMessages}. */
export interface SendMessagesResult {
  /** Ids of the messages, in input order (generated where the input had none). */
  messageIds: string[];
  batchCount: number;
}

/** Options of {@link MessagingPort.peekMessages}. */
export interface PeekMessagesOptions {
  maxMessages: number;
  /** Decimal string; from the first message when absent. */
  fromSequenceNumber?: string;
  /** Only the messages of this session (session-enabled entities). */
  sessionId?: string;
}

/** Options of {@link MessagingPort.receiveMessages}. */
export interface ReceiveMessagesOptions {
  maxMessages: number;
  maxWaitTimeInMs: number;
  receiveMode: "peekLock" | "receiveAndDelete";
}

/** Options of {@link MessagingPort.receiveSessionMessages}. */
export interface ReceiveSessionMessagesOptions {
  maxMessages: number;
  maxWaitTimeInMs: number;
  /** The session to receive from; undefined takes the next available session. */
  sessionId: string | undefined;
  /**
   * peekLock (the default) holds the session on this instance so its messages can be settled;
   * receiveAndDelete removes the messages as they are received and releases the session at once.
   */
  receiveMode?: "peekLock" | "receiveAndDelete";
}

/** Result of {@link MessagingPort.receiveSessionMessages}. */
export interface ReceiveSessionMessagesResult {
  /** The session received from; undefined when no session was available within the wait time. */
  sessionId?: string;
  /** When the session lock expires (the lock of every message received from it follows it). */
  sessionLockedUntil?: Date;
  messages: ReceivedMessageJson[];
}

/** A session's state as callers see it: a JSON value, a string, or base64 bytes; null when none is set. */
export interface SessionStateJson {
  state: unknown;
  stateEncoding: BodyEncoding;
}

/**
 * A locked message as a settle or renew call names it: its lock token and, for a message of a session, the
 * session's id. Service Bus settles a session message only through the receiver holding its session, so the
 * session id is what lets any instance find that receiver; without it, only the instance that received the
 * message can tell which session the token belongs to.
 */
export interface MessageLock {
  lockToken: LockToken;
  sessionId?: string;
}

/** Options of {@link MessagingPort.deadLetterMessage}. */
export interface DeadLetterOptions {
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
  propertiesToModify?: Record<string, string | number | boolean>;
}

/** Which dead-lettered messages to resubmit: by sequence numbers, or the first `maxMessages`. */
export type ResubmitSelection = { sequenceNumbers: string[] } | { maxMessages: number };

/** Options of {@link MessagingPort.resubmitDeadLetters}. */
export interface ResubmitOptions {
  /** Keep each copy's original message id instead of a new derived one (default false). */
  keepMessageId?: boolean;
}

/** Result of {@link MessagingPort.resubmitDeadLetters}. */
export interface ResubmitResult {
  /** Each copy's message id, and the id its dead letter had. */
  resubmitted: Array<{ sequenceNumber: string; messageId?: string; originalMessageId?: string }>;
  notFound: string[];
}

/** Result of {@link MessagingPort.heldCounts}. */
export interface HeldCounts {
  /** Messages received peek-lock (outside sessions) and not yet settled; expired locks drop out within seconds. */
  locks: number;
  /** Sessions this instance holds. */
  sessions: number;
}

/**
 * Everything the API does with Service Bus. Methods reject with the SDK's errors (`name`
 * "ServiceBusError" and a `code`, read by service-bus-errors.ts) or with a {@link GatewayError}.
 */
export interface MessagingPort {
  /** Sends one message; concurrent single sends to an entity may share a batch. Throws GatewayError messageTooLarge (no index) when it cannot fit one. */
  sendMessage(entity: SendableEntity, message: OutgoingMessageJson): Promise<{ messageId: string }>;
  /** Sends messages in as few batches as their size allows; throws GatewayError messageTooLarge (with its index) before sending anything when one message cannot fit a batch. */
  sendMessages(entity: SendableEntity, messages: readonly OutgoingMessageJson[]): Promise<SendMessagesResult>;
  /** Schedules messages; resolves to their sequence numbers in input order. */
  scheduleMessages(entity: SendableEntity, messages: readonly OutgoingMessageJson[], scheduledEnqueueTime: Date): Promise<string[]>;
  cancelScheduledMessages(entity: SendableEntity, sequenceNumbers: readonly string[]): Promise<void>;
  peekMessages(source: ReceivableEntity, options: PeekMessagesOptions): Promise<ReceivedMessageJson[]>;
  receiveMessages(source: ReceivableEntity, options: ReceiveMessagesOptions): Promise<ReceivedMessageJson[]>;
  /**
   * Receives deferred messages by sequence number. With `sessionId` (session-enabled entities, where deferred
   * messages are received through their session), the session is accepted and held like a session receive.
   */
  receiveDeferredMessages(source: ReceivableEntity, sequenceNumbers: readonly string[], options?: { sessionId?: string }): Promise<ReceivedMessageJson[]>;
  /**
   * Settles a locked message. A session message whose session this instance does not hold is refused with
   * GatewayError sessionNotHeld, or sessionIdNeeded when the lock names no session.
   */
  completeMessage(source: ReceivableEntity, lock: MessageLock): Promise<void>;
  abandonMessage(source: ReceivableEntity, lock: MessageLock, propertiesToModify?: Record<string, string | number | boolean>): Promise<void>;
  deferMessage(source: ReceivableEntity, lock: MessageLock, propertiesToModify?: Record<string, string | number | boolean>): Promise<void>;
  deadLetterMessage(source: ReceivableEntity, lock: MessageLock, options: DeadLetterOptions): Promise<void>;
  /** Resolves to the new lock expiry (of the session, for a session message). */
  renewMessageLock(source: ReceivableEntity, lock: MessageLock): Promise<Date>;
  /** Resubmits dead letters of the entity (its dead-letter sub-queue, whatever `subQueue` says) to where its messages are sent. */
  resubmitDeadLetters(source: ReceivableEntity, selection: ResubmitSelection, options?: ResubmitOptions): Promise<ResubmitResult>;
  /**
   * Receives peek-locked messages of one session (a given id, or the next available session) and holds
   * the session on this instance, so its messages are settled through the session's link (in
   * receiveAndDelete mode: removes them and releases the session at once, holding nothing). Throws
   * SessionCannotBeLocked when another receiver holds a given session; resolves without a session when
   * none is available within the wait time.
   */
  receiveSessionMessages(source: ReceivableEntity, options: ReceiveSessionMessagesOptions): Promise<ReceiveSessionMessagesResult>;
  /** The session's state; the session is accepted and held when this instance does not hold it yet. */
  getSessionState(source: ReceivableEntity, sessionId: string): Promise<SessionStateJson>;
  /** Sets (or, with state null, clears) the session's state; accepts and holds the session like {@link getSessionState}. */
  setSessionState(source: ReceivableEntity, sessionId: string, state: SessionStateJson): Promise<void>;
  /** Renews the lock of a session held by this instance; resolves to its new expiry. Throws SessionLockLost when not held. */
  renewSessionLock(source: ReceivableEntity, sessionId: string): Promise<Date>;
  /** Releases a session held by this instance; resolves to whether it was held. */
  closeSession(source: ReceivableEntity, sessionId: string): Promise<boolean>;
  /** Resolves when Service Bus answers within the timeout; rejects otherwise. */
  checkReadiness(timeoutInMs: number): Promise<void>;
  /** How many message locks and sessions this instance holds now (for telemetry). */
  heldCounts(): HeldCounts;
  /** Stops receiving and closes every link and the connection. Locks still held are left to expire (logged). */
  close(): Promise<void>;
}
