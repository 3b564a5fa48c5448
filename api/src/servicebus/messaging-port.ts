/**
 * The seam between HTTP handlers and Service Bus. The Azure implementation is
 * {@link createServiceBusGateway}; unit tests use a fake. Inputs and outputs are the API's own
 * JSON shapes, so handlers never see SDK types.
 */
import type { OutgoingMessageJson, ReceivedMessageJson } from "../contract/schemas/message.js";

/** A queue or a topic subscription, optionally its dead-letter sub-queue. */
export type ReceiveSource =
  | { kind: "queue"; queue: string; subQueue?: SubQueue }
  | { kind: "subscription"; topic: string; subscription: string; subQueue?: SubQueue };

/** The main entity or its dead-letter sub-queue. */
export type SubQueue = "main" | "deadLetter";

/** Result of {@link MessagingPort.sendMessages}. */
export interface SendMessagesResult {
  /** Ids of the messages, in input order (generated where the input had none). */
  messageIds: string[];
  batchCount: number;
}

/** Options of {@link MessagingPort.sendMessages} and {@link MessagingPort.scheduleMessages}. */
export interface SendOptions {
  /** The request carried one message at the body's root (SendMessage), not a `messages` list: error reports name fields from the root. */
  single?: boolean;
}

/** Options of {@link MessagingPort.peekMessages}. */
export interface PeekMessagesOptions {
  maxMessages: number;
  /** Decimal string; from the first message when absent. */
  fromSequenceNumber?: string;
}

/** Options of {@link MessagingPort.receiveMessages}. */
export interface ReceiveMessagesOptions {
  maxMessages: number;
  maxWaitTimeInMs: number;
  receiveMode: "peekLock" | "receiveAndDelete";
}

/** Options of {@link MessagingPort.deadLetterMessage}. */
export interface DeadLetterOptions {
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
  propertiesToModify?: Record<string, string | number | boolean>;
}

/** Which dead-lettered messages to resubmit: by sequence numbers, or the first `maxMessages`. */
export type ResubmitSelection = { sequenceNumbers: string[] } | { maxMessages: number };

/** Result of {@link MessagingPort.resubmitDeadLetters}. */
export interface ResubmitResult {
  resubmitted: Array<{ sequenceNumber: string; messageId?: string }>;
  notFound: string[];
}

/**
 * Everything the API does with Service Bus. Methods reject with `ServiceBusError`-shaped errors
 * (`name` "ServiceBusError" and a `code`) or with a `ProblemError`.
 */
export interface MessagingPort {
  /** Sends messages in as few batches as their size allows; throws ProblemError MessageSizeExceeded (with the limit) before sending anything when one message cannot fit a batch. */
  sendMessages(entity: string, messages: readonly OutgoingMessageJson[], options?: SendOptions): Promise<SendMessagesResult>;
  /** Schedules messages; resolves to their sequence numbers in input order. */
  scheduleMessages(entity: string, messages: readonly OutgoingMessageJson[], scheduledEnqueueTime: Date): Promise<string[]>;
  cancelScheduledMessages(entity: string, sequenceNumbers: readonly string[]): Promise<void>;
  peekMessages(source: ReceiveSource, options: PeekMessagesOptions): Promise<ReceivedMessageJson[]>;
  receiveMessages(source: ReceiveSource, options: ReceiveMessagesOptions): Promise<ReceivedMessageJson[]>;
  receiveDeferredMessages(source: ReceiveSource, sequenceNumbers: readonly string[]): Promise<ReceivedMessageJson[]>;
  completeMessage(source: ReceiveSource, lockToken: string): Promise<void>;
  abandonMessage(source: ReceiveSource, lockToken: string, propertiesToModify?: Record<string, string | number | boolean>): Promise<void>;
  deferMessage(source: ReceiveSource, lockToken: string, propertiesToModify?: Record<string, string | number | boolean>): Promise<void>;
  deadLetterMessage(source: ReceiveSource, lockToken: string, options: DeadLetterOptions): Promise<void>;
  /** Resolves to the new lock expiry. */
  renewMessageLock(source: ReceiveSource, lockToken: string): Promise<Date>;
  resubmitDeadLetters(source: ReceiveSource, selection: ResubmitSelection): Promise<ResubmitResult>;
  /** Resolves when Service Bus answers within the timeout; rejects otherwise. */
  checkReadiness(timeoutInMs: number): Promise<void>;
  /** Stops receiving and closes every link and the connection. Locks still held are left to expire (logged). */
  close(): Promise<void>;
}
