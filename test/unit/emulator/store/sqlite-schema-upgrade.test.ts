import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createSqliteStore } from "../../../../emulator/src/store/sqlite-store.js";

/** The messages table as schema version 1 wrote it: no header or footer columns. */
const VERSION_1_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE messages (
  entity TEXT NOT NULL, sequence_number INTEGER NOT NULL, sub_queue TEXT NOT NULL, state TEXT NOT NULL,
  delivery_count INTEGER NOT NULL, enqueued_time_ms INTEGER NOT NULL, time_to_live_ms INTEGER,
  scheduled_enqueue_time_ms INTEGER, message_id TEXT, session_id TEXT, dead_letter_source TEXT,
  message_annotations BLOB NOT NULL, properties BLOB NOT NULL, application_properties BLOB NOT NULL,
  body BLOB NOT NULL, PRIMARY KEY (entity, sequence_number)
);
INSERT INTO meta (key, value) VALUES ('schemaVersion', '1');
INSERT INTO messages VALUES ('orders', 1, 'active', 'active', 2, 1000, NULL, NULL, 'm-1', NULL, NULL, x'', x'', x'', x'0102');
`;

describe("SQLite store: schema upgrade", () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("opens a version 1 data dir, keeping its messages with an empty header and footer", () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "sb-store-v1-"));
    const old = new Database(path.join(dataDir, "emulator.db"));
    old.exec(VERSION_1_SCHEMA);
    old.close();

    const store = createSqliteStore({ dataDir });
    const [stored] = store.load().messages;
    store.close();
    expect(stored?.message).toMatchObject({ sequenceNumber: 1, deliveryCount: 2, messageId: "m-1" });
    expect(stored?.message.content.body).toEqual(Buffer.from([1, 2]));
    expect(stored?.message.content.header).toEqual(Buffer.alloc(0));
    expect(stored?.message.content.footer).toEqual(Buffer.alloc(0));

    const reopened = new Database(path.join(dataDir, "emulator.db"));
    expect(reopened.prepare("SELECT value FROM meta WHERE key = 'schemaVersion'").get()).toEqual({ value: "2" });
    reopened.close();
  });
});
