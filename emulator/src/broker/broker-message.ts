/** The message model the broker keeps: an accepted message, its AMQP content and its place in a queue. */

/** Where a message stands in its queue, as `x-opt-message-state` reports it. */
export type MessageState = "active" | "deferred" | "scheduled";

export const MESSAGE_STATE_CODES: Readonly<Record<MessageState, number>> = { active: 0, deferred: 1, scheduled: 2 };

/**
 * The AMQP sections of a message as the client sent them, kept encoded so that every field and type
 * round-trips exactly. Each buffer is a complete encoded section, or empty when the client sent none.
 */
export interface MessageContent {
  /** The header as the client sent it; on delivery the broker sets its delivery-count and ttl. */
  readonly header: Buffer;
  readonly messageAnnotations: Buffer;
  readonly properties: Buffer;
  readonly applicationProperties: Buffer;
  /** The body sections (data, amqp-sequence or amqp-value). */
  readonly body: Buffer;
  readonly footer: Buffer;
}

/** What the broker learned from a message when it was accepted. */
export interface IncomingMessage {
  readonly content: MessageContent;
  readonly messageId: string | undefined;
  readonly sessionId: string | undefined;
  /** The `x-opt-partition-key` annotation, when the sender set one. */
  readonly partitionKey?: string | undefined;
  /** `header.ttl` as sent; undefined when the client set none (the entity default applies). */
  readonly timeToLiveInMs: number | undefined;
  readonly scheduledEnqueueTimeMs: number | undefined;
  readonly sizeInBytes: number;
  /** Set on dead letters forwarded by ForwardDeadLetteredMessagesTo: the entity they were dead-lettered in. */
  readonly deadLetterSource?: string;
}

/** A peek-lock held on a message. Only in memory: locks do not survive a restart. */
export interface MessageLock {
  readonly token: string;
  lockedUntilMs: number;
  /** The consumer (link) that received it; undefined for management receives. */
  readonly holderId: string | undefined;
  cancelTimer: () => void;
}

/** A message stored in one queue (a queue's or a subscription's main or dead-letter sub-queue). */
export interface BrokerMessage {
  readonly sequenceNumber: number;
  enqueuedTimeMs: number;
  state: MessageState;
  /** Prior delivery attempts, as the AMQP header reports them (0 on first delivery). */
  deliveryCount: number;
  /** The effective time to live; Infinity when the message never expires. */
  timeToLiveInMs: number;
  scheduledEnqueueTimeMs: number | undefined;
  readonly messageId: string | undefined;
  readonly sessionId: string | undefined;
  deadLetterSource: string | undefined;
  /**
   * Shared, never changed in place: a topic gives one content to every subscription it fans out to, so a
   * settlement that modifies properties replaces this message's content with a new one.
   */
  content: MessageContent;
  lock: MessageLock | undefined;
}

/** When the message expires: enqueued time plus time to live (Infinity for never). */
export function expiresAtMs(message: BrokerMessage): number {
  return message.enqueuedTimeMs + message.timeToLiveInMs;
}
