/**
 * A durable message store on SQLite in WAL mode. Writes queue up and are committed in one transaction per
 * event-loop turn (group commit), then the waiting acknowledgements run. With `synchronous=NORMAL` a commit
 * survives a crash of the emulator process (the WAL is in the OS), which is the durability promised here;
 * `synchronous: "full"` adds an fsync per commit for power-loss safety.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { sqliteDatabase } from "./sqlite-driver.js";
import type { BrokerMessage, MessageState } from "../broker/broker-message.js";
import type { MessageStore, StoreSnapshot, StoredMessage, SubQueue } from "./message-store.js";

const SCHEMA_VERSION = 2;

/** Version 2 keeps the client's AMQP header and footer; a version 1 database gains empty ones. */
const MIGRATIONS: Readonly<Record<number, string>> = {
  1: "ALTER TABLE messages ADD COLUMN header BLOB NOT NULL DEFAULT x''; ALTER TABLE messages ADD COLUMN footer BLOB NOT NULL DEFAULT x'';",
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  entity TEXT NOT NULL,
  sequence_number INTEGER NOT NULL,
  sub_queue TEXT NOT NULL,
  state TEXT NOT NULL,
  delivery_count INTEGER NOT NULL,
  enqueued_time_ms INTEGER NOT NULL,
  time_to_live_ms INTEGER,
  scheduled_enqueue_time_ms INTEGER,
  message_id TEXT,
  session_id TEXT,
  dead_letter_source TEXT,
  message_annotations BLOB NOT NULL,
  properties BLOB NOT NULL,
  application_properties BLOB NOT NULL,
  body BLOB NOT NULL,
  header BLOB NOT NULL DEFAULT x'',
  footer BLOB NOT NULL DEFAULT x'',
  PRIMARY KEY (entity, sequence_number)
);
CREATE TABLE IF NOT EXISTS sequence_numbers (entity TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS duplicate_ids (
  entity TEXT NOT NULL,
  message_id TEXT NOT NULL,
  seen_at_ms INTEGER NOT NULL,
  PRIMARY KEY (entity, message_id)
);
CREATE TABLE IF NOT EXISTS session_states (
  entity TEXT NOT NULL,
  session_id TEXT NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (entity, session_id)
);
CREATE TABLE IF NOT EXISTS entity_definitions (name TEXT PRIMARY KEY, definition TEXT);
`;

/** Duplicate-detection history older than this is dropped at start (Service Bus's longest window is 7 days). */
const MAX_DUPLICATE_WINDOW_MS = 7 * 24 * 3600 * 1000;

interface MessageRow {
  entity: string;
  sequence_number: number;
  sub_queue: SubQueue;
  state: MessageState;
  delivery_count: number;
  enqueued_time_ms: number;
  time_to_live_ms: number | null;
  scheduled_enqueue_time_ms: number | null;
  message_id: string | null;
  session_id: string | null;
  dead_letter_source: string | null;
  message_annotations: Buffer;
  properties: Buffer;
  application_properties: Buffer;
  body: Buffer;
  header: Buffer;
  footer: Buffer;
}

export interface SqliteStoreOptions {
  /** Folder for `emulator.db`; created when missing. */
  dataDir: string;
  synchronous?: "normal" | "full";
}

function ttlColumn(message: BrokerMessage): number | null {
  return Number.isFinite(message.timeToLiveInMs) ? message.timeToLiveInMs : null;
}

function rowToStoredMessage(row: MessageRow): StoredMessage {
  const message: BrokerMessage = {
    sequenceNumber: row.sequence_number,
    enqueuedTimeMs: row.enqueued_time_ms,
    state: row.state,
    deliveryCount: row.delivery_count,
    timeToLiveInMs: row.time_to_live_ms ?? Number.POSITIVE_INFINITY,
    scheduledEnqueueTimeMs: row.scheduled_enqueue_time_ms ?? undefined,
    messageId: row.message_id ?? undefined,
    sessionId: row.session_id ?? undefined,
    deadLetterSource: row.dead_letter_source ?? undefined,
    content: {
      header: row.header,
      messageAnnotations: row.message_annotations,
      properties: row.properties,
      applicationProperties: row.application_properties,
      body: row.body,
      footer: row.footer,
    },
    lock: undefined,
  };
  return { entityPath: row.entity, subQueue: row.sub_queue, message };
}

/**
 * Opens (or creates) the store in `dataDir`.
 * @throws Error when the folder cannot be created or holds a database of another schema version.
 */
export function createSqliteStore({ dataDir, synchronous = "normal" }: SqliteStoreOptions): MessageStore {
  mkdirSync(dataDir, { recursive: true });
  const Database = sqliteDatabase();
  const db = new Database(path.join(dataDir, "emulator.db"));
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
  db.exec(SCHEMA);
  const version = db.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").get() as { value: string } | undefined;
  if (!version) {
    db.prepare("INSERT INTO meta (key, value) VALUES ('schemaVersion', ?)").run(String(SCHEMA_VERSION));
  } else if (Number(version.value) !== SCHEMA_VERSION && MIGRATIONS[Number(version.value)] !== undefined) {
    db.transaction(() => {
      db.exec(MIGRATIONS[Number(version.value)] as string);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schemaVersion'").run(String(SCHEMA_VERSION));
    })();
  } else if (Number(version.value) !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`The data dir ${dataDir} holds emulator data of schema version ${version.value}; this emulator reads version ${SCHEMA_VERSION}.`);
  }

  const insertStatement = db.prepare(`INSERT OR REPLACE INTO messages (entity, sequence_number, sub_queue, state, delivery_count,
    enqueued_time_ms, time_to_live_ms, scheduled_enqueue_time_ms, message_id, session_id, dead_letter_source,
    message_annotations, properties, application_properties, body, header, footer)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const updateStatement = db.prepare(`UPDATE messages SET sub_queue = ?, state = ?, delivery_count = ?, enqueued_time_ms = ?,
    time_to_live_ms = ?, scheduled_enqueue_time_ms = ?, dead_letter_source = ?, application_properties = ?
    WHERE entity = ? AND sequence_number = ?`);
  const duplicateStatement = db.prepare("INSERT OR REPLACE INTO duplicate_ids (entity, message_id, seen_at_ms) VALUES (?, ?, ?)");
  const saveStateStatement = db.prepare("INSERT OR REPLACE INTO session_states (entity, session_id, state) VALUES (?, ?, ?)");
  const clearStateStatement = db.prepare("DELETE FROM session_states WHERE entity = ? AND session_id = ?");
  const definitionStatement = db.prepare("INSERT OR REPLACE INTO entity_definitions (name, definition) VALUES (?, ?)");
  const removeEntityStatements = [
    db.prepare("DELETE FROM messages WHERE entity = ? OR entity LIKE ? ESCAPE '\\'"),
    db.prepare("DELETE FROM sequence_numbers WHERE entity = ? OR entity LIKE ? ESCAPE '\\'"),
    db.prepare("DELETE FROM session_states WHERE entity = ? OR entity LIKE ? ESCAPE '\\'"),
    db.prepare("DELETE FROM duplicate_ids WHERE entity = ? OR entity LIKE ? ESCAPE '\\'"),
  ];
  const removeStatement = db.prepare("DELETE FROM messages WHERE entity = ? AND sequence_number = ?");
  const sequenceStatement = db.prepare(
    "INSERT INTO sequence_numbers (entity, last) VALUES (?, ?) ON CONFLICT(entity) DO UPDATE SET last = max(last, excluded.last)",
  );

  let pendingWrites: Array<() => void> = [];
  let pendingSequenceNumbers = new Map<string, number>();
  let pendingCallbacks: Array<(error?: Error) => void> = [];
  let flushScheduled = false;
  let closed = false;

  const commit = db.transaction((writes: Array<() => void>, sequences: Map<string, number>) => {
    for (const write of writes) write();
    for (const [entity, last] of sequences) sequenceStatement.run(entity, last);
  });

  function flush(): void {
    flushScheduled = false;
    const writes = pendingWrites;
    const sequences = pendingSequenceNumbers;
    const callbacks = pendingCallbacks;
    pendingWrites = [];
    pendingSequenceNumbers = new Map();
    pendingCallbacks = [];
    let failure: Error | undefined;
    if (!closed && (writes.length > 0 || sequences.size > 0)) {
      try {
        commit(writes, sequences);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    }
    for (const callback of callbacks) callback(failure);
  }

  function enqueue(write: (() => void) | undefined): void {
    if (write) pendingWrites.push(write);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }

  return {
    load(): StoreSnapshot {
      // Rows are read one at a time so that a large store is not held twice in memory at start.
      const messages: StoredMessage[] = [];
      for (const row of db.prepare("SELECT * FROM messages ORDER BY entity, sequence_number").iterate() as IterableIterator<MessageRow>) {
        messages.push(rowToStoredMessage(row));
      }
      const sequences = db.prepare("SELECT entity, last FROM sequence_numbers").all() as Array<{ entity: string; last: number }>;
      db.prepare("DELETE FROM duplicate_ids WHERE seen_at_ms < ?").run(Date.now() - MAX_DUPLICATE_WINDOW_MS);
      const duplicates = db.prepare("SELECT entity, message_id, seen_at_ms FROM duplicate_ids ORDER BY seen_at_ms").all() as Array<{
        entity: string;
        message_id: string;
        seen_at_ms: number;
      }>;
      return {
        messages,
        lastSequenceNumbers: new Map(sequences.map((row) => [row.entity, row.last])),
        duplicateIds: duplicates.map((row) => ({ entityPath: row.entity, messageId: row.message_id, seenAtMs: row.seen_at_ms })),
        sessionStates: (
          db.prepare("SELECT entity, session_id, state FROM session_states").all() as Array<{
            entity: string;
            session_id: string;
            state: Buffer;
          }>
        ).map((row) => ({ entityPath: row.entity, sessionId: row.session_id, state: row.state })),
        entityDefinitions: new Map(
          (db.prepare("SELECT name, definition FROM entity_definitions").all() as Array<{ name: string; definition: string | null }>).map((row) => [
            row.name,
            row.definition ?? undefined,
          ]),
        ),
      };
    },
    insert(entityPath, subQueue, message) {
      const { content } = message;
      enqueue(() =>
        insertStatement.run(
          entityPath,
          message.sequenceNumber,
          subQueue,
          message.state,
          message.deliveryCount,
          message.enqueuedTimeMs,
          ttlColumn(message),
          message.scheduledEnqueueTimeMs ?? null,
          message.messageId ?? null,
          message.sessionId ?? null,
          message.deadLetterSource ?? null,
          content.messageAnnotations,
          content.properties,
          content.applicationProperties,
          content.body,
          content.header,
          content.footer,
        ),
      );
    },
    update(entityPath, subQueue, message) {
      // Capture the values now: the message object keeps changing before the commit runs.
      const values = [
        subQueue,
        message.state,
        message.deliveryCount,
        message.enqueuedTimeMs,
        ttlColumn(message),
        message.scheduledEnqueueTimeMs ?? null,
        message.deadLetterSource ?? null,
        message.content.applicationProperties,
        entityPath,
        message.sequenceNumber,
      ];
      enqueue(() => updateStatement.run(...values));
    },
    remove(entityPath, sequenceNumber) {
      enqueue(() => removeStatement.run(entityPath, sequenceNumber));
    },
    recordSequenceNumber(entityPath, sequenceNumber) {
      pendingSequenceNumbers.set(entityPath, sequenceNumber);
      enqueue(undefined);
    },
    recordDuplicateId(entityPath, messageId, seenAtMs) {
      enqueue(() => duplicateStatement.run(entityPath, messageId, seenAtMs));
    },
    saveSessionState(entityPath, sessionId, state) {
      enqueue(() => (state === undefined ? clearStateStatement.run(entityPath, sessionId) : saveStateStatement.run(entityPath, sessionId, state)));
    },
    saveEntityDefinition(name, definition) {
      enqueue(() => definitionStatement.run(name, definition ?? null));
    },
    removeEntityData(entityPath) {
      // The entity's own rows, and for a topic its subscriptions' ("<topic>/subscriptions/...").
      const children = `${entityPath.replace(/[\\%_]/g, (c) => `\\${c}`)}/subscriptions/%`;
      enqueue(() => {
        for (const statement of removeEntityStatements) statement.run(entityPath, children);
      });
    },
    afterCommit(callback) {
      pendingCallbacks.push(callback);
      enqueue(undefined);
    },
    close() {
      if (closed) return;
      flush();
      closed = true;
      db.close();
    },
  };
}
