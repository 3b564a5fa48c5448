/** Persistence of accepted messages. The broker's memory is authoritative; a store makes it durable. */
import type { BrokerMessage } from "../broker/broker-message.js";

/** The main queue of an entity, its dead-letter sub-queue, or its transfer dead-letter sub-queue. */
export type SubQueue = "main" | "deadLetter" | "transferDeadLetter";

/** A stored message as loaded at start. Locks are not stored: a restart releases them. */
export interface StoredMessage {
  readonly entityPath: string;
  readonly subQueue: SubQueue;
  readonly message: BrokerMessage;
}

/** Everything a store holds, read once when the emulator starts. */
export interface StoreSnapshot {
  readonly messages: StoredMessage[];
  /** The last sequence number handed out per entity, so numbers keep increasing across restarts. */
  readonly lastSequenceNumbers: Map<string, number>;
  /** Message ids seen by entities with duplicate detection, with when they were first seen. */
  readonly duplicateIds: ReadonlyArray<{ entityPath: string; messageId: string; seenAtMs: number }>;
  /** Session state of session-enabled entities. */
  readonly sessionStates: ReadonlyArray<{ entityPath: string; sessionId: string; state: Buffer }>;
  /** Run-time entity definitions by lower-cased queue or topic name, as JSON; undefined marks a deletion. */
  readonly entityDefinitions: ReadonlyMap<string, string | undefined>;
}

/**
 * Writes are queued and committed together (group commit); `afterCommit` callbacks run once everything
 * written before them is durable, which is when the broker acknowledges sends and settlements.
 */
export interface MessageStore {
  load(): StoreSnapshot;
  insert(entityPath: string, subQueue: SubQueue, message: BrokerMessage): void;
  /** Rewrites the mutable fields of a stored message (state, counts, sub-queue, application properties). */
  update(entityPath: string, subQueue: SubQueue, message: BrokerMessage): void;
  remove(entityPath: string, sequenceNumber: number): void;
  recordSequenceNumber(entityPath: string, sequenceNumber: number): void;
  /** Remembers a message id for duplicate detection (older entries are pruned at start). */
  recordDuplicateId(entityPath: string, messageId: string, seenAtMs: number): void;
  /** Saves (or with undefined, clears) a session's state. */
  saveSessionState(entityPath: string, sessionId: string, state: Buffer | undefined): void;
  /** Saves a queue's or topic's run-time definition (JSON), or with undefined, its deletion. */
  saveEntityDefinition(name: string, definition: string | undefined): void;
  /** Drops every stored message, number and session state of an entity (it was deleted or recreated). */
  removeEntityData(entityPath: string): void;
  afterCommit(callback: (error?: Error) => void): void;
  close(): void;
}

/** A store that keeps nothing: for tests and `--in-memory`. */
export function createMemoryStore(): MessageStore {
  return {
    load: () => ({ messages: [], lastSequenceNumbers: new Map(), duplicateIds: [], sessionStates: [], entityDefinitions: new Map() }),
    insert: () => undefined,
    update: () => undefined,
    remove: () => undefined,
    recordSequenceNumber: () => undefined,
    recordDuplicateId: () => undefined,
    saveSessionState: () => undefined,
    saveEntityDefinition: () => undefined,
    removeEntityData: () => undefined,
    afterCommit: (callback) => queueMicrotask(() => callback()),
    close: () => undefined,
  };
}
