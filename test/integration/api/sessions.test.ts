import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExposedEntities } from "../../../api/src/config/exposed-entities.js";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import type { EmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture, ApiInstance } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";

/** A session queue `cases`, a plain queue `orders`, and a topic whose `ordered` subscription requires sessions. */
export function sessionEmulatorConfig(): EmulatorConfig {
  return parseEmulatorConfig({
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: [{ Name: "orders" }, { Name: "cases", Properties: { RequiresSession: true, MaxDeliveryCount: 5 } }],
          Topics: [{ Name: "events", Subscriptions: [{ Name: "ordered", Properties: { RequiresSession: true } }, { Name: "audit" }] }],
        },
      ],
    },
  });
}

export const SESSION_ENTITIES: ExposedEntities = { queues: ["orders", "cases"], topics: [{ name: "events", subscriptions: ["ordered", "audit"] }] };

interface ReceiveBody {
  messages: Array<{ body: unknown; sessionId?: string; lockToken?: string; deliveryCount: number; sequenceNumber: string; state: string }>;
  sessionId?: string;
  sessionLockedUntilUtc?: string;
}

describe("API: sessions against the emulator", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(sessionEmulatorConfig(), { entities: SESSION_ENTITIES, withAdmin: true });
  });
  afterEach(async () => fixture.close());

  const send = (sessionId: string, body: unknown, entity = "cases") =>
    fixture.api.request("POST", `/entities/${entity}/messages`, { body: { body, sessionId } });
  const receive = async (api: ApiInstance, sessionId: string, extra = "", path = "/queues/cases") => {
    const response = await api.request("POST", `${path}/receive?maxMessages=10&maxWaitSeconds=2&sessionId=${encodeURIComponent(sessionId)}${extra}`);
    expect(response.status).toBe(200);
    return response.body as ReceiveBody;
  };

  it("receives one session's messages in order, then the next available session, and completes them through the session", async () => {
    for (const [session, step] of [
      ["case-1", 1],
      ["case-2", 1],
      ["case-1", 2],
      ["case-2", 2],
      ["case-1", 3],
    ] as const) {
      expect((await send(session, { case: session, step })).status).toBe(201);
    }
    const first = await receive(fixture.api, "case-1");
    expect(first.sessionId).toBe("case-1");
    expect(Date.parse(first.sessionLockedUntilUtc ?? "")).toBeGreaterThan(Date.now());
    expect(first.messages.map((message) => message.body)).toEqual([1, 2, 3].map((step) => ({ case: "case-1", step })));
    expect(first.messages.every((message) => message.sessionId === "case-1" && message.deliveryCount === 1)).toBe(true);
    for (const message of first.messages) {
      expect((await fixture.api.request("POST", `/queues/cases/locks/${message.lockToken}/complete`)).status).toBe(204);
    }

    const next = await receive(fixture.api, "*");
    expect(next.sessionId).toBe("case-2");
    expect(next.messages.map((message) => message.body)).toEqual([1, 2].map((step) => ({ case: "case-2", step })));
    for (const message of next.messages) {
      expect((await fixture.api.request("POST", `/queues/cases/locks/${message.lockToken}/complete`)).status).toBe(204);
    }
    expect(messagesOf((await fixture.api.request("GET", "/queues/cases/peek")).body)).toEqual([]);
  });

  it("answers a next-available receive with no session and no messages when none is available in time", async () => {
    const started = Date.now();
    const response = await fixture.api.request("POST", "/queues/cases/receive?maxWaitSeconds=1&sessionId=*");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ messages: [] });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("abandons, defers and dead-letters session messages through the held session", async () => {
    await send("case-9", "a");
    await send("case-9", "b");
    await send("case-9", "c");
    const [a, b, c] = (await receive(fixture.api, "case-9")).messages;
    expect((await fixture.api.request("POST", `/queues/cases/locks/${a?.lockToken}/abandon`)).status).toBe(204);
    expect((await fixture.api.request("POST", `/queues/cases/locks/${b?.lockToken}/defer`)).status).toBe(204);
    expect((await fixture.api.request("POST", `/queues/cases/locks/${c?.lockToken}/dead-letter`, { body: { deadLetterReason: "Unprocessable" } })).status).toBe(
      204,
    );

    const again = await receive(fixture.api, "case-9");
    expect(again.messages.map((message) => [message.body, message.deliveryCount])).toEqual([["a", 2]]);
    expect(messagesOf((await fixture.api.request("GET", "/queues/cases/peek?subQueue=deadLetter")).body)).toMatchObject([
      { body: "c", deadLetterReason: "Unprocessable" },
    ]);
    expect(messagesOf((await fixture.api.request("GET", "/queues/cases/peek?sessionId=case-9")).body).map((message) => [message.body, message.state])).toEqual([
      ["a", "active"],
      ["b", "deferred"],
    ]);
  });

  it("renews a session message's lock by renewing its session's lock", async () => {
    await send("case-r", "renew");
    const [message] = (await receive(fixture.api, "case-r")).messages;
    const renewed = await fixture.api.request("POST", `/queues/cases/locks/${message?.lockToken}/renew`);
    expect(renewed.status).toBe(200);
    expect(Date.parse((renewed.body as { lockedUntilUtc: string }).lockedUntilUtc)).toBeGreaterThan(Date.now());
  });

  it("gets, sets and clears session state, renews the session lock and closes the session", async () => {
    const path = "/queues/cases/sessions/case-5";
    expect((await fixture.api.request("GET", `${path}/state`)).body).toEqual({ sessionId: "case-5", state: null, stateEncoding: "json" });
    expect((await fixture.api.request("PUT", `${path}/state`, { body: { state: { step: 2, done: ["a"] } } })).status).toBe(204);
    expect((await fixture.api.request("GET", `${path}/state`)).body).toEqual({ sessionId: "case-5", state: { step: 2, done: ["a"] }, stateEncoding: "json" });
    expect((await fixture.api.request("PUT", `${path}/state`, { body: { state: "plain text", stateEncoding: "text" } })).status).toBe(204);
    expect((await fixture.api.request("GET", `${path}/state`)).body).toMatchObject({ state: "plain text", stateEncoding: "text" });

    const renewed = await fixture.api.request("POST", `${path}/renew`);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ sessionId: "case-5" });

    expect((await fixture.api.request("POST", `${path}/close`)).status).toBe(204);
    const afterClose = await fixture.api.request("POST", `${path}/renew`);
    expect(afterClose.status).toBe(410);
    expect(afterClose.body).toMatchObject({ code: "SessionLockLost" });
    // The state outlives the hold: a later reader sees it.
    expect((await fixture.api.request("GET", `${path}/state`)).body).toMatchObject({ state: "plain text" });
    expect((await fixture.api.request("PUT", `${path}/state`, { body: { state: null } })).status).toBe(204);
    expect((await fixture.api.request("GET", `${path}/state`)).body).toMatchObject({ state: null });
  });

  it("returns 409 SessionCannotBeLocked while another instance holds the session, until it is closed", async () => {
    await send("case-7", "held");
    const second = await fixture.startAnotherInstance();
    const held = await receive(fixture.api, "case-7");
    expect(held.messages).toHaveLength(1);
    const refused = await second.request("POST", "/queues/cases/receive?maxWaitSeconds=1&sessionId=case-7");
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "SessionCannotBeLocked" });
    expect((await second.request("GET", "/queues/cases/sessions/case-7/state")).status).toBe(409);

    expect((await fixture.api.request("POST", "/queues/cases/sessions/case-7/close")).status).toBe(204);
    const taken = await receive(second, "case-7");
    expect(taken.messages.map((message) => [message.body, message.deliveryCount])).toEqual([["held", 2]]);
  });

  it("refuses to settle a session message on an instance that does not hold its session: 400 naming sessionId without it, 410 SessionLockLost with it", async () => {
    await send("case-8", "cross");
    const [message] = (await receive(fixture.api, "case-8")).messages;
    const second = await fixture.startAnotherInstance();
    const unnamed = await second.request("POST", `/queues/cases/locks/${message?.lockToken}/complete`);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toMatchObject({ code: "SessionIdRequired", errors: { query: [{ field: "/sessionId" }] } });
    // These instances have no control queue, so nothing is routed: the session is held elsewhere.
    const elsewhere = await second.request("POST", `/queues/cases/locks/${message?.lockToken}/complete?sessionId=case-8`);
    expect(elsewhere.status).toBe(410);
    expect(elsewhere.body).toMatchObject({ code: "SessionLockLost" });
    expect((elsewhere.body as { detail: string }).detail).toMatch(/instance/);
    // The holding instance still settles it.
    expect((await fixture.api.request("POST", `/queues/cases/locks/${message?.lockToken}/complete`)).status).toBe(204);
  });

  it("returns 410 SessionLockLost for a token of a session that was closed", async () => {
    await send("case-c", "closed");
    const [message] = (await receive(fixture.api, "case-c")).messages;
    expect((await fixture.api.request("POST", "/queues/cases/sessions/case-c/close")).status).toBe(204);
    const late = await fixture.api.request("POST", `/queues/cases/locks/${message?.lockToken}/complete?sessionId=case-c`);
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ code: "SessionLockLost" });
    // Without the session's id, the instance no longer knows the token: it asks for the session.
    const unnamed = await fixture.api.request("POST", `/queues/cases/locks/${message?.lockToken}/complete`);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toMatchObject({ code: "SessionIdRequired" });
  });

  it("releases held sessions when an instance shuts down, so another instance takes them at once", async () => {
    await send("case-s", "shutdown");
    const first = await fixture.startAnotherInstance();
    expect((await receive(first, "case-s")).messages).toHaveLength(1);
    await first.close();
    const taken = await receive(fixture.api, "case-s");
    expect(taken.messages.map((message) => [message.body, message.deliveryCount])).toEqual([["shutdown", 2]]);
  });

  it("answers 400 when sessionId is missing on a session entity or given on another", async () => {
    const missing = await fixture.api.request("POST", "/queues/cases/receive?maxWaitSeconds=1");
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: "ValidationFailed", errors: { query: [{ field: "/sessionId" }] } });
    const extra = await fixture.api.request("POST", "/queues/orders/receive?maxWaitSeconds=1&sessionId=x");
    expect(extra.status).toBe(400);
    expect(extra.body).toMatchObject({ code: "ValidationFailed", errors: { query: [{ field: "/sessionId" }] } });
    const deleting = await fixture.api.request("POST", "/queues/cases/receive?sessionId=x&receiveMode=receiveAndDelete");
    expect(deleting.status).toBe(400);
  });

  it("answers 400 naming sessionId for a session peek or session state on an entity without sessions", async () => {
    const notAllowed = {
      code: "ValidationFailed",
      errors: { query: [{ field: "/sessionId", message: "must be omitted: the entity does not require sessions" }] },
    };
    const peek = await fixture.api.request("GET", "/queues/orders/peek?sessionId=x");
    expect(peek.status).toBe(400);
    expect(peek.body).toMatchObject(notAllowed);
    const state = await fixture.api.request("GET", "/queues/orders/sessions/x/state");
    expect(state.status).toBe(400);
    expect(state.body).toMatchObject({ code: "ValidationFailed" });
  });

  it("receives, settles and keeps state in a session-enabled subscription", async () => {
    const ordered = "/topics/events/subscriptions/ordered";
    await send("order-1", { n: 1 }, "events");
    await send("order-1", { n: 2 }, "events");
    const received = await receive(fixture.api, "*", "", ordered);
    expect(received.sessionId).toBe("order-1");
    expect(received.messages.map((message) => message.body)).toEqual([{ n: 1 }, { n: 2 }]);
    for (const message of received.messages) expect((await fixture.api.request("POST", `${ordered}/locks/${message.lockToken}/complete`)).status).toBe(204);
    expect((await fixture.api.request("PUT", `${ordered}/sessions/order-1/state`, { body: { state: "//79", stateEncoding: "base64" } })).status).toBe(204);
    expect((await fixture.api.request("GET", `${ordered}/sessions/order-1/state`)).body).toMatchObject({ state: "//79", stateEncoding: "base64" });
    expect((await fixture.api.request("POST", `${ordered}/sessions/order-1/close`)).status).toBe(204);
    // The non-session subscription of the same topic got copies too.
    expect(messagesOf((await fixture.api.request("GET", "/topics/events/subscriptions/audit/peek")).body)).toHaveLength(2);
  });
});

describe("API: idle sessions are released", () => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(sessionEmulatorConfig(), { entities: SESSION_ENTITIES, withAdmin: true, sessionIdleReleaseInMs: 500 });
  });
  afterEach(async () => fixture.close());

  it("releases a session unused for the idle time, so another instance can take it", async () => {
    await fixture.api.request("POST", "/entities/cases/messages", { body: { body: "idle", sessionId: "case-i" } });
    const received = (await fixture.api.request("POST", "/queues/cases/receive?maxWaitSeconds=2&sessionId=case-i")).body as ReceiveBody;
    const token = received.messages[0]?.lockToken;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const late = await fixture.api.request("POST", `/queues/cases/locks/${token}/complete?sessionId=case-i`);
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ code: "SessionLockLost" });
    const second = await fixture.startAnotherInstance();
    const taken = (await second.request("POST", "/queues/cases/receive?maxWaitSeconds=2&sessionId=case-i")).body as ReceiveBody;
    expect(taken.messages.map((message) => message.body)).toEqual(["idle"]);
  });
});
