/**
 * The polling triggers on session-enabled entities, against the emulator: with no parameter to set, each
 * poll returns messages of one session (the next available), in order, each with its sessionId; the
 * peek-lock triggers hold the session so its messages can be settled, the auto-complete ones release it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExposedEntities } from "../../../api/src/config/exposed-entities.js";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import type { EmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture, ApiInstance } from "../../helpers/api-fixture.js";
import { messagesOf } from "../../helpers/api-messages.js";
import type { MessageOut } from "../../helpers/api-messages.js";

/** A session queue `cases` and a topic whose `ordered` subscription requires sessions. */
function sessionTriggerConfig(): EmulatorConfig {
  return parseEmulatorConfig({
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: [{ Name: "orders" }, { Name: "cases", Properties: { RequiresSession: true } }],
          Topics: [{ Name: "events", Subscriptions: [{ Name: "ordered", Properties: { RequiresSession: true } }] }],
        },
      ],
    },
  });
}

const ENTITIES: ExposedEntities = { queues: ["orders", "cases"], topics: [{ name: "events", subscriptions: ["ordered"] }] };

const PEEK_LOCK = "/queues/cases/triggers/peek-lock?maxMessages=10";
const AUTO_COMPLETE = "/queues/cases/triggers/auto-complete?maxMessages=10";

/** The interleaved steps of two sessions: case-1 has three, case-2 two. */
const STEPS = [
  ["case-1", 1],
  ["case-2", 1],
  ["case-1", 2],
  ["case-2", 2],
  ["case-1", 3],
] as const;

interface Poll {
  status: number;
  messages: MessageOut[];
  location: string | null;
  retryAfter: string | null;
}

async function poll(api: ApiInstance, path: string): Promise<Poll> {
  const response = await api.request("GET", path);
  expect([200, 202], JSON.stringify(response.body)).toContain(response.status);
  return {
    status: response.status,
    messages: response.status === 200 ? (response.body as MessageOut[]) : [],
    location: response.headers.get("location"),
    retryAfter: response.headers.get("retry-after"),
  };
}

/** The path and query of a poll's Location, to poll it as the platform does. */
function next(location: string | null): string {
  const url = new URL(location ?? "");
  return `${url.pathname}${url.search}`;
}

/** The one session id of a poll's messages (fails when they mix sessions). */
function onlySession(messages: readonly MessageOut[]): string {
  const sessions = [...new Set(messages.map((message) => message.sessionId))];
  expect(sessions).toHaveLength(1);
  return sessions[0] as string;
}

describe.each([
  { name: "with the management API (sessions known up front)", withAdmin: true },
  { name: "without the management API (sessions learnt from the refused link)", withAdmin: false },
])("API: polling triggers on session-enabled entities, $name", ({ withAdmin }) => {
  let fixture: ApiFixture;

  beforeEach(async () => {
    fixture = await startApiFixture(sessionTriggerConfig(), { entities: ENTITIES, withAdmin });
  });
  afterEach(async () => fixture.close());

  const send = async (entity: string, sessionId: string, body: unknown) => {
    expect((await fixture.api.request("POST", `/entities/${entity}/messages`, { body: { body, sessionId } })).status).toBe(201);
  };
  const sendSteps = async (entity = "cases") => {
    for (const [session, step] of STEPS) await send(entity, session, { case: session, step });
  };
  const stepsOf = (session: string) => STEPS.filter(([id]) => id === session).map(([id, step]) => ({ case: id, step }));

  it("peek-lock: serves one session per poll in order with its sessionId, two sessions in two polls, and settles them by lock token", async () => {
    await sendSteps();

    const first = await poll(fixture.api, PEEK_LOCK);
    expect(first.status).toBe(200);
    const firstSession = onlySession(first.messages);
    expect(first.messages.map((message) => message.body)).toEqual(stepsOf(firstSession));
    expect(new URL(first.location ?? "").searchParams.get("triggerState")).toBe(first.messages.at(-1)?.sequenceNumber);
    expect(first.retryAfter).toBe("30");

    const second = await poll(fixture.api, next(first.location));
    expect(second.status).toBe(200);
    const secondSession = onlySession(second.messages);
    expect([firstSession, secondSession].sort()).toEqual(["case-1", "case-2"]);
    expect(second.messages.map((message) => message.body)).toEqual(stepsOf(secondSession));

    // Both sessions are held by this instance, so nothing else is available: 202, same state.
    const idle = await poll(fixture.api, next(second.location));
    expect(idle.status).toBe(202);
    expect(new URL(idle.location ?? "").searchParams.get("triggerState")).toBe(second.messages.at(-1)?.sequenceNumber);

    for (const message of [...first.messages, ...second.messages]) {
      expect((await fixture.api.request("POST", `/queues/cases/locks/${message.lockToken}/complete`)).status).toBe(204);
    }
    for (const session of ["case-1", "case-2"]) {
      expect(messagesOf((await fixture.api.request("GET", `/queues/cases/peek?sessionId=${session}`)).body)).toEqual([]);
    }
  });

  it("peek-lock: a held session's newer messages fire once the flow closes the session", async () => {
    await send("cases", "case-1", { step: 1 });
    const first = await poll(fixture.api, PEEK_LOCK);
    expect(first.messages.map((message) => message.body)).toEqual([{ step: 1 }]);
    await send("cases", "case-1", { step: 2 });
    expect((await poll(fixture.api, next(first.location))).status).toBe(202);

    expect((await fixture.api.request("POST", `/queues/cases/locks/${first.messages[0]?.lockToken}/complete`)).status).toBe(204);
    expect((await fixture.api.request("POST", "/queues/cases/sessions/case-1/close")).status).toBe(204);
    const again = await poll(fixture.api, next(first.location));
    expect(again.messages.map((message) => [message.sessionId, message.body])).toEqual([["case-1", { step: 2 }]]);
  });

  it("answers 202 with Location and the idle Retry-After when no session has messages", async () => {
    const idle = await poll(fixture.api, PEEK_LOCK);
    expect(idle.status).toBe(202);
    expect(idle.retryAfter).toBe("30");
    expect(new URL(idle.location ?? "").searchParams.get("triggerState")).toBe("0");
    expect((await poll(fixture.api, AUTO_COMPLETE)).status).toBe(202);
  });

  it("auto-complete: removes and returns one session's messages per poll, and releases the session at once", async () => {
    await sendSteps();

    const first = await poll(fixture.api, AUTO_COMPLETE);
    expect(first.status).toBe(200);
    const firstSession = onlySession(first.messages);
    expect(first.messages.map((message) => message.body)).toEqual(stepsOf(firstSession));
    expect(first.messages.every((message) => message.lockToken === undefined)).toBe(true);

    // Released at once: another instance takes the session right away (no 409), and it is empty.
    const other = await fixture.startAnotherInstance();
    const taken = await other.request("POST", `/queues/cases/receive?maxWaitSeconds=1&sessionId=${firstSession}`);
    expect(taken.status).toBe(200);
    expect(messagesOf(taken.body)).toEqual([]);
    expect((await other.request("POST", `/queues/cases/sessions/${firstSession}/close`)).status).toBe(204);

    const second = await poll(fixture.api, next(first.location));
    expect(second.status).toBe(200);
    const secondSession = onlySession(second.messages);
    expect(secondSession).not.toBe(firstSession);
    expect(second.messages.map((message) => message.body)).toEqual(stepsOf(secondSession));

    expect((await poll(fixture.api, next(second.location))).status).toBe(202);
  });

  it("peek-lock on a session-enabled subscription: one session per poll, settled by lock token", async () => {
    await sendSteps("events");
    const polled: MessageOut[] = [];
    let path = "/topics/events/subscriptions/ordered/triggers/peek-lock?maxMessages=10";
    for (const _session of ["first", "second"]) {
      const answer = await poll(fixture.api, path);
      expect(answer.status).toBe(200);
      expect(answer.messages.map((message) => message.body)).toEqual(stepsOf(onlySession(answer.messages)));
      polled.push(...answer.messages);
      path = next(answer.location);
    }
    expect(polled.map((message) => message.sessionId).sort()).toEqual(["case-1", "case-1", "case-1", "case-2", "case-2"]);
    for (const message of polled) {
      expect((await fixture.api.request("POST", `/topics/events/subscriptions/ordered/locks/${message.lockToken}/complete`)).status).toBe(204);
    }
  });
});
