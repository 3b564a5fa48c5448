/**
 * Concurrent SendMessage requests leave in shared Service Bus batches (api/src/servicebus/send-coalescer.ts);
 * these tests check, against the emulator through the real SDK, that every request still gets exactly the
 * answer it would have had alone.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture, ApiResponse } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";
import type { MessageOut } from "../../helpers/api-messages.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [
          { Name: "orders", Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" } },
          { Name: "cases", Properties: { RequiresSession: true } },
        ],
        Topics: [],
      },
    ],
  },
});

const entities = { queues: ["orders", "cases"], topics: [] };

/** Peeks up to 100 messages of a queue (every session of a session queue). */
async function peekAll(fixture: ApiFixture, queue: string): Promise<MessageOut[]> {
  return messagesOf((await fixture.api.request("GET", `/queues/${queue}/peek?maxMessages=100`)).body);
}

describe("API: concurrent single sends are coalesced without mixing up their answers", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(config, { entities });
  });
  afterEach(async () => fixture.close());

  it("answers each of 60 concurrent sends with its own message id, and every message arrives once", async () => {
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, n) => fixture.api.request("POST", "/entities/orders/messages", { body: { body: { n }, messageId: `order-${n}` } })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(60).fill(201));
    expect(responses.map((response) => (response.body as { messageId: string }).messageId)).toEqual(Array.from({ length: 60 }, (_, n) => `order-${n}`));
    const stored = await peekAll(fixture, "orders");
    expect(stored.map((message) => message.messageId).sort()).toEqual(Array.from({ length: 60 }, (_, n) => `order-${n}`).sort());
    for (const message of stored) expect(message.body).toEqual({ n: Number(message.messageId?.slice("order-".length)) });
  });

  it("refuses only the message that exceeds the entity's size, with 413, and sends the others", async () => {
    const api = await fixture.startAnotherInstanceWithBodyLimit(2 * 1024 * 1024);
    const small = Array.from({ length: 5 }, (_, n) => api.request("POST", "/entities/orders/messages", { body: { body: `small-${n}` } }));
    const tooLarge = api.request("POST", "/entities/orders/messages", { body: { body: "x".repeat(300 * 1024) } });
    const [refused, ...sent] = await Promise.all([tooLarge, ...small]);
    expect(refused?.status).toBe(413);
    expect(refused?.body).toMatchObject({ code: "MessageSizeExceeded", limitInBytes: 262144 });
    expect((refused?.body as { detail: string }).detail).toMatch(/^The message is larger than the entity's limit of 262144 bytes/);
    expect(sent.map((response) => response.status)).toEqual(Array(5).fill(201));
    expect((await peekAll(fixture, "orders")).map((message) => message.body).sort()).toEqual(["small-0", "small-1", "small-2", "small-3", "small-4"]);
  });

  it("drops duplicates among concurrent sends one by one, as Service Bus does in a batch", async () => {
    const sends = ["a", "b", "a", "c", "a"].map((messageId) =>
      fixture.api.request("POST", "/entities/orders/messages", { body: { body: messageId, messageId } }),
    );
    const responses = await Promise.all(sends);
    expect(responses.map((response) => response.status)).toEqual(Array(5).fill(201));
    expect((await peekAll(fixture, "orders")).map((message) => message.messageId).sort()).toEqual(["a", "b", "c"]);
  });

  it("keeps each session's messages in their own session", async () => {
    const sends = Array.from({ length: 30 }, (_, n) =>
      fixture.api.request("POST", "/entities/cases/messages", { body: { body: { n }, sessionId: `case-${n % 3}` } }),
    );
    expect((await Promise.all(sends)).map((response) => response.status)).toEqual(Array(30).fill(201));
    const stored = await peekAll(fixture, "cases");
    expect(stored).toHaveLength(30);
    for (const message of stored) expect(message.sessionId).toBe(`case-${(message.body as { n: number }).n % 3}`);
  });

  it("gives a send without a session to a session queue its own 400 SessionIdRequired while concurrent sends with sessions succeed", async () => {
    const withSession = Array.from({ length: 4 }, (_, n) =>
      fixture.api.request("POST", "/entities/cases/messages", { body: { body: n, sessionId: "case-1" } }),
    );
    const withoutSession = [
      fixture.api.request("POST", "/entities/cases/messages", { body: { body: "lost" } }),
      fixture.api.request("POST", "/entities/cases/messages", { body: { body: "lost too" } }),
    ];
    const [first, second, ...rest] = await Promise.all([...withoutSession, ...withSession]);
    for (const refused of [first, second] as ApiResponse[]) {
      expect(refused.body).toMatchObject({ status: 400, code: "SessionIdRequired" });
    }
    expect(rest.map((response) => response.status)).toEqual(Array(4).fill(201));
    expect((await peekAll(fixture, "cases")).map((message) => message.body).sort()).toEqual([0, 1, 2, 3]);
  });

  it("schedules a concurrent send with a scheduled time instead of sending it now", async () => {
    const at = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const [scheduled, now] = await Promise.all([
      fixture.api.request("POST", "/entities/orders/messages", { body: { body: "later", scheduledEnqueueTimeUtc: at } }),
      fixture.api.request("POST", "/entities/orders/messages", { body: { body: "now" } }),
    ]);
    expect([scheduled?.status, now?.status]).toEqual([201, 201]);
    const stored = await fixture.api.request("GET", "/queues/orders/peek?maxMessages=10");
    const byBody = new Map(messagesOf(stored.body).map((message) => [message.body, message]));
    expect(byBody.get("now")?.state).toBe("active");
    expect(byBody.get("later")?.state).toBe("scheduled");
  });
});
