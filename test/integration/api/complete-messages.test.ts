import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_MESSAGES_PER_REQUEST } from "../../../api/src/contract/schemas/common.js";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { TEST_KEYS, startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture, ApiInstance } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";
import type { MessageOut } from "../../helpers/api-messages.js";

interface CompleteMessagesBody {
  completedLockTokens: string[];
  failed: Array<{ lockToken: string; code: string; status: number; detail: string }>;
}

interface ListBody {
  value: Array<Record<string, unknown> & { name: string }>;
}

const QUEUE = "/queues/orders";
const SUBSCRIPTION = "/topics/events/subscriptions/audit";

describe("API: CompleteMessages against the emulator", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(undefined, { withAdmin: true });
  });
  afterEach(async () => fixture.close());

  const sendMany = async (entity: string, count: number): Promise<void> => {
    const messages = Array.from({ length: count }, (_, n) => ({ body: { n } }));
    expect((await fixture.api.request("POST", `/entities/${entity}/messages/batch`, { body: { messages } })).status).toBe(201);
  };

  /** Receives in peek-lock until `count` messages are held (one receive may return fewer than asked). */
  const receiveMany = async (source: string, count: number, extra = ""): Promise<MessageOut[]> => {
    const received: MessageOut[] = [];
    for (let attempt = 0; attempt < 10 && received.length < count; attempt++) {
      const response = await fixture.api.request("POST", `${source}/receive?maxMessages=${count - received.length}&maxWaitSeconds=3${extra}`);
      expect(response.status).toBe(200);
      received.push(...messagesOf(response.body));
    }
    expect(received).toHaveLength(count);
    return received;
  };

  const lockTokensOf = (messages: readonly MessageOut[]): string[] => messages.map((message) => message.lockToken ?? "");

  const completeMany = (source: string, lockTokens: unknown, api: ApiInstance = fixture.api, key?: string | null) =>
    api.request("POST", `${source}/locks/complete`, { body: { lockTokens }, ...(key === undefined ? {} : { key }) });

  const backlog = async (listPath: string, name: string): Promise<unknown> =>
    ((await fixture.api.request("GET", listPath)).body as ListBody).value.find((each) => each.name === name)?.["activeMessageCount"];

  it.each([
    ["queue", "orders", QUEUE, "/queues", "orders"],
    ["subscription", "events", SUBSCRIPTION, "/topics/events/subscriptions", "audit"],
  ])("completes every message of a %s receive in one call, leaving it empty", async (_kind, entity, source, listPath, name) => {
    await sendMany(entity, 12);
    expect(await backlog(listPath, name)).toBe(12);
    const received = await receiveMany(source, 12);

    const completed = await completeMany(source, lockTokensOf(received));
    expect(completed.status).toBe(200);
    expect(completed.body).toEqual({ completedLockTokens: lockTokensOf(received), failed: [] });

    expect(messagesOf((await fixture.api.request("GET", `${source}/peek?maxMessages=100`)).body)).toEqual([]);
    expect(await backlog(listPath, name)).toBe(0);
    // Nothing comes back once the locks would have expired either: the messages are gone.
    expect(messagesOf((await fixture.api.request("POST", `${source}/receive?maxWaitSeconds=0.5`)).body)).toEqual([]);
  });

  it("reports an already completed and an unknown token with the problem the single operation gives, and completes the valid one", async () => {
    await sendMany("orders", 2);
    const [valid, alreadyCompleted] = lockTokensOf(await receiveMany(QUEUE, 2));
    expect((await fixture.api.request("POST", `${QUEUE}/locks/${alreadyCompleted}/complete`)).status).toBe(204);
    const unknown = randomUUID();

    const response = await completeMany(QUEUE, [alreadyCompleted, valid, unknown]);
    expect(response.status).toBe(200);
    const body = response.body as CompleteMessagesBody;
    expect(body.completedLockTokens).toEqual([valid]);
    expect(body.failed.map((entry) => entry.lockToken)).toEqual([alreadyCompleted, unknown]);

    // The same code, status and detail as CompleteMessageInQueue answers for each of these tokens.
    for (const entry of body.failed) {
      const single = (await fixture.api.request("POST", `${QUEUE}/locks/${entry.lockToken}/complete`)).body as { code: string; status: number; detail: string };
      expect(single).toMatchObject({ code: "MessageLockLost", status: 410 });
      expect(entry).toEqual({ lockToken: entry.lockToken, code: single.code, status: single.status, detail: single.detail });
    }
    expect(messagesOf((await fixture.api.request("GET", `${QUEUE}/peek`)).body)).toEqual([]);
  });

  it("answers 200 with every token failed when all locks are lost (not a 5xx: retrying cannot help)", async () => {
    const tokens = [randomUUID(), randomUUID()];
    const response = await completeMany(QUEUE, tokens);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ completedLockTokens: [], failed: tokens.map((lockToken) => ({ lockToken, code: "MessageLockLost", status: 410 })) });
  });

  it("completes tokens received through another API instance, through the management path", async () => {
    await sendMany("orders", 3);
    const tokens = lockTokensOf(await receiveMany(QUEUE, 3));
    const second = await fixture.startAnotherInstance();

    const completed = await completeMany(QUEUE, tokens, second);
    expect(completed.status).toBe(200);
    expect(completed.body).toEqual({ completedLockTokens: tokens, failed: [] });
    expect(messagesOf((await second.request("GET", `${QUEUE}/peek`)).body)).toEqual([]);
    // The receiving instance no longer holds valid locks for them either.
    const late = (await completeMany(QUEUE, tokens)).body as CompleteMessagesBody;
    expect(late.completedLockTokens).toEqual([]);
    expect(late.failed.map((entry) => entry.code)).toEqual(["MessageLockLost", "MessageLockLost", "MessageLockLost"]);
  });

  it("completes in the dead-letter sub-queue with subQueue=deadLetter", async () => {
    await sendMany("orders", 2);
    for (const token of lockTokensOf(await receiveMany(QUEUE, 2))) {
      expect((await fixture.api.request("POST", `${QUEUE}/locks/${token}/dead-letter`)).status).toBe(204);
    }
    const received = await receiveMany(QUEUE, 2, "&subQueue=deadLetter");
    const response = await fixture.api.request("POST", `${QUEUE}/locks/complete?subQueue=deadLetter`, { body: { lockTokens: lockTokensOf(received) } });
    expect(response.body).toEqual({ completedLockTokens: lockTokensOf(received), failed: [] });
    expect(messagesOf((await fixture.api.request("GET", `${QUEUE}/peek?subQueue=deadLetter`)).body)).toEqual([]);
  });

  it.each([
    ["an empty list", { lockTokens: [] }, "/lockTokens"],
    ["a repeated token", { lockTokens: ["2b6f0c1e-0000-4000-8000-000000000001", "2b6f0c1e-0000-4000-8000-000000000001"] }, "/lockTokens"],
    [
      "a token repeated in another letter case",
      { lockTokens: ["2b6f0c1e-0000-4000-8000-00000000000a", "2B6F0C1E-0000-4000-8000-00000000000A"] },
      "/lockTokens/1",
    ],
    ["a token that is not a UUID", { lockTokens: ["2b6f0c1e-0000-4000-8000-000000000001", "not-a-uuid"] }, "/lockTokens/1"],
    ["too many tokens", { lockTokens: Array.from({ length: MAX_MESSAGES_PER_REQUEST + 1 }, () => randomUUID()) }, "/lockTokens"],
    ["no list", {}, "/lockTokens"],
    ["an unknown field", { lockTokens: [randomUUID()], lockToken: "x" }, "/lockToken"],
  ])("answers 400 ValidationFailed naming the field for %s", async (_case, body, field) => {
    const response = await fixture.api.request("POST", `${QUEUE}/locks/complete`, { body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "ValidationFailed", errors: { body: [expect.objectContaining({ field })] } });
  });

  it("accepts as many tokens as one receive returns at most", async () => {
    const tokens = Array.from({ length: MAX_MESSAGES_PER_REQUEST }, () => randomUUID());
    const response = await completeMany(QUEUE, tokens);
    expect(response.status).toBe(200);
    expect((response.body as CompleteMessagesBody).failed).toHaveLength(MAX_MESSAGES_PER_REQUEST);
  });

  it("routes /locks/complete to this operation and leaves /locks/{lockToken}/complete to the single one", async () => {
    await sendMany("orders", 1);
    const [token] = lockTokensOf(await receiveMany(QUEUE, 1));
    // A lock token spelled "complete" reaches the single-token operation, whose validation refuses it.
    const literal = await fixture.api.request("POST", `${QUEUE}/locks/complete/complete`);
    expect(literal.status).toBe(400);
    expect(literal.body).toMatchObject({ errors: { params: [{ field: "/lockToken" }] } });
    expect((await fixture.api.request("POST", `${QUEUE}/locks/${token}/complete`)).status).toBe(204);
    // GET is not an operation at the batch path.
    expect((await fixture.api.request("GET", `${QUEUE}/locks/complete`)).status).toBe(404);
  });

  it("needs the listen scope, an exposed entity and a key allowed to use it", async () => {
    const tokens = [randomUUID()];
    const noListen = await completeMany(QUEUE, tokens, fixture.api, TEST_KEYS.sender);
    expect(noListen.status).toBe(403);
    expect((noListen.body as { detail: string }).detail).toMatch(/listen/);
    expect((await completeMany(SUBSCRIPTION, tokens, fixture.api, TEST_KEYS.ordersListener)).status).toBe(404);
    expect((await completeMany(QUEUE, tokens, fixture.api, TEST_KEYS.ordersListener)).status).toBe(200);
    for (const source of ["/queues/hidden", "/queues/missing", "/topics/events/subscriptions/nope"]) {
      const response = await completeMany(source, tokens);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: "MessagingEntityNotFound" });
    }
    expect((await completeMany(QUEUE, tokens, fixture.api, null)).status).toBe(401);
  });
});

describe("API: CompleteMessages of session messages", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    const config = parseEmulatorConfig({
      UserConfig: { Namespaces: [{ Name: "sbemulatorns", Queues: [{ Name: "cases", Properties: { RequiresSession: true } }] }] },
    });
    fixture = await startApiFixture(config, { entities: { queues: ["cases"], topics: [] }, withAdmin: true });
  });
  afterEach(async () => fixture.close());

  it("completes them through the instance holding the session; another instance (without routing) reports the single operation's problem per token", async () => {
    const messages = [1, 2, 3].map((step) => ({ body: { step }, sessionId: "case-1" }));
    expect((await fixture.api.request("POST", "/entities/cases/messages/batch", { body: { messages } })).status).toBe(201);
    const received = messagesOf((await fixture.api.request("POST", "/queues/cases/receive?maxMessages=3&maxWaitSeconds=3&sessionId=case-1")).body);
    expect(received).toHaveLength(3);
    const [elsewhereToken, ...heldTokens] = received.map((message) => message.lockToken ?? "");

    const second = await fixture.startAnotherInstance();
    // Without the session's id the other instance cannot tell which session the token is of: 400 naming sessionId.
    const unnamed = await second.request("POST", "/queues/cases/locks/complete", { body: { lockTokens: [elsewhereToken] } });
    expect(unnamed.status).toBe(200);
    const unnamedSingle = (await second.request("POST", `/queues/cases/locks/${elsewhereToken}/complete`)).body as { detail: string };
    expect(unnamed.body).toEqual({
      completedLockTokens: [],
      failed: [{ lockToken: elsewhereToken, code: "SessionIdRequired", status: 400, detail: unnamedSingle.detail }],
    });
    // Named, it is a session that instance does not hold (no control queue here, so no routing): 410.
    const elsewhere = await second.request("POST", "/queues/cases/locks/complete?sessionId=case-1", { body: { lockTokens: [elsewhereToken] } });
    expect(elsewhere.status).toBe(200);
    const single = (await second.request("POST", `/queues/cases/locks/${elsewhereToken}/complete?sessionId=case-1`)).body as { detail: string };
    expect(elsewhere.body).toEqual({
      completedLockTokens: [],
      failed: [{ lockToken: elsewhereToken, code: "SessionLockLost", status: 410, detail: single.detail }],
    });

    const held = await fixture.api.request("POST", "/queues/cases/locks/complete", { body: { lockTokens: [...heldTokens, elsewhereToken] } });
    expect(held.body).toEqual({ completedLockTokens: [...heldTokens, elsewhereToken], failed: [] });
    expect(messagesOf((await fixture.api.request("GET", "/queues/cases/peek")).body)).toEqual([]);
  });
});
