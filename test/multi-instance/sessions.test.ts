/**
 * Session calls across instances: whichever instance a request lands on, a session's calls behave as on the instance
 * that holds the session (three API processes over one Service Bus behind the round-robin proxy, sharing nothing
 * else). Each test holds a fresh session on one instance, called directly, and sends the calls under test directly to
 * the others, so it is certain that they landed on an instance that does not hold the session. Every test completes
 * what it received and closes its session, so tests do not disturb each other.
 *
 * Losing the holder (SIGKILL, SIGTERM) is in sessions-instance-loss.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiCluster } from "../helpers/api-cluster.js";
import type { ApiCluster, ClusterResponse } from "../helpers/api-cluster.js";
import { messagesOf } from "../helpers/api-messages.js";
import type { MessageOut } from "../helpers/api-messages.js";
import {
  SESSION_SOURCES,
  completeAndClose,
  expectProblem,
  expectStatus,
  holdNewSession,
  newSessionId,
  otherInstances,
  peekSession,
  receiveFromSession,
  sendToSession,
  sessionQuery,
  sessionReceiveBody,
} from "../helpers/cluster-sessions.js";
import type { HeldSession, SessionSource } from "../helpers/cluster-sessions.js";

let cluster: ApiCluster;

beforeAll(async () => {
  cluster = await startApiCluster({ instances: 3 });
}, 240_000);

afterAll(async () => {
  await cluster?.close();
}, 60_000);

describe.each(SESSION_SOURCES)("sessions of a $kind across three instances", (source: SessionSource) => {
  const sessionPath = (sessionId: string): string => `${source.path}/sessions/${encodeURIComponent(sessionId)}`;

  /** A settle or renew call on one instance, naming the message's session. */
  function onLock(action: string, held: HeldSession, message: MessageOut | undefined, instance: number, body?: unknown): Promise<ClusterResponse> {
    expect(message?.lockToken).toBeTypeOf("string");
    return cluster.request("POST", `${source.path}/locks/${message?.lockToken}/${action}?${sessionQuery(held.sessionId)}`, {
      instance,
      ...(body === undefined ? {} : { body }),
    });
  }

  /** The ids of the session's messages still in the entity, with their state, as the holder peeks them. */
  async function leftInSession(held: HeldSession): Promise<Array<[string | undefined, string]>> {
    return (await peekSession(cluster, source, held.sessionId, held.holder)).map((each) => [each.messageId, each.state]);
  }

  describe("messages of a session held by another instance", () => {
    it("completes a session message on a non-holder", async () => {
      const held = await holdNewSession(cluster, source, 0, 2, "complete");
      const [completed, kept] = held.messages;
      try {
        expectStatus(await onLock("complete", held, completed, 1), 204);
        // Completed on the holder's link: gone from the session, which the holder still holds with the other message.
        expect(await leftInSession(held)).toEqual([[kept?.messageId, "active"]]);
        expectStatus(await onLock("complete", held, kept, 2), 204);
        expect(await leftInSession(held)).toEqual([]);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });

    it("refuses to settle a session message on a non-holder without sessionId: 400 SessionIdRequired naming the query field sessionId", async () => {
      const held = await holdNewSession(cluster, source, 1, 1, "no-session-id");
      const [message] = held.messages;
      try {
        for (const action of ["complete", "renew"]) {
          const refused = await cluster.request("POST", `${source.path}/locks/${message?.lockToken}/${action}`, { instance: 2 });
          expectProblem(refused, 400, "SessionIdRequired");
          expect((refused.body as { errors?: unknown }).errors).toEqual({ query: [{ field: "/sessionId", message: expect.any(String) }] });
        }
        // Refused before anything happened: the message is still locked, and completed with its session named.
        expectStatus(await onLock("complete", held, message, 2), 204);
        expect(await leftInSession(held)).toEqual([]);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });

    it("completes several session messages with CompleteMessages on a non-holder", async () => {
      const held = await holdNewSession(cluster, source, 1, 3, "complete-many");
      const lockTokens = held.messages.map((each) => each.lockToken as string);
      try {
        const completed = await cluster.request("POST", `${source.path}/locks/complete?${sessionQuery(held.sessionId)}`, { instance: 0, body: { lockTokens } });
        expectStatus(completed, 200);
        expect(completed.body).toEqual({ completedLockTokens: lockTokens, failed: [] });
        expect(await leftInSession(held)).toEqual([]);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });

    it("abandons a session message on a non-holder, and the holder receives it again with deliveryCount 2", async () => {
      const held = await holdNewSession(cluster, source, 2, 1, "abandon");
      const [message] = held.messages;
      const again: MessageOut[] = [];
      try {
        expectStatus(await onLock("abandon", held, message, 0), 204);
        const received = sessionReceiveBody(await receiveFromSession(cluster, source, held.sessionId, { instance: held.holder, maxMessages: 1 }));
        again.push(...received.messages);
        expect(received.sessionId).toBe(held.sessionId);
        expect(received.messages.map((each) => [each.messageId, each.deliveryCount])).toEqual([[message?.messageId, 2]]);
        expectStatus(await onLock("complete", held, received.messages[0], 1), 204);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, [...held.messages, ...again]);
      }
    });

    it("renews a session message's lock on a non-holder", async () => {
      const held = await holdNewSession(cluster, source, 0, 1, "renew");
      const [message] = held.messages;
      try {
        const renewed = await onLock("renew", held, message, 2);
        expectStatus(renewed, 200);
        const lockedUntil = Date.parse((renewed.body as { lockedUntilUtc: string }).lockedUntilUtc);
        expect(lockedUntil).toBeGreaterThanOrEqual(Date.parse(message?.lockedUntilUtc ?? ""));
        // The lock is still the holder's: the message is settled there after the renewal.
        expectStatus(await onLock("complete", held, message, held.holder), 204);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });

    it("defers a session message on a non-holder, and receives it deferred on another", async () => {
      const held = await holdNewSession(cluster, source, 1, 1, "defer");
      const [message] = held.messages;
      const again: MessageOut[] = [];
      try {
        expectStatus(await onLock("defer", held, message, 2), 204);
        expect(await leftInSession(held)).toEqual([[message?.messageId, "deferred"]]);

        const deferredReceive = await cluster.request("POST", `${source.path}/deferred/receive?${sessionQuery(held.sessionId)}`, {
          instance: 0,
          body: { sequenceNumbers: [message?.sequenceNumber] },
        });
        expectStatus(deferredReceive, 200);
        again.push(...messagesOf(deferredReceive.body));
        expect(again.map((each) => [each.messageId, each.sessionId, each.state])).toEqual([[message?.messageId, held.sessionId, "deferred"]]);
        expectStatus(await onLock("complete", held, again[0], 0), 204);
        expect(await leftInSession(held)).toEqual([]);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, [...held.messages, ...again]);
      }
    });

    it("dead-letters a session message on a non-holder, with its reason in the dead-letter sub-queue", async () => {
      const held = await holdNewSession(cluster, source, 2, 1, "dead-letter");
      const [message] = held.messages;
      const reason = `refused on a non-holder ${held.sessionId}`;
      try {
        expectStatus(await onLock("dead-letter", held, message, 1, { deadLetterReason: reason, deadLetterErrorDescription: "multi-instance test" }), 204);
        expect(await leftInSession(held)).toEqual([]);
        // The dead-letter sub-queue has no sessions: received (and so removed) on any instance.
        const deadLettered = await cluster.request("POST", `${source.path}/receive?subQueue=deadLetter&maxMessages=50&maxWaitSeconds=5`, { instance: 0 });
        expectStatus(deadLettered, 200);
        const found = messagesOf(deadLettered.body).filter((each) => each.messageId === message?.messageId);
        expect(found).toMatchObject([{ sessionId: held.sessionId, deadLetterReason: reason, deadLetterErrorDescription: "multi-instance test" }]);
        for (const each of messagesOf(deadLettered.body)) {
          expectStatus(await cluster.request("POST", `${source.path}/locks/${each.lockToken}/complete?subQueue=deadLetter`, { instance: 0 }), 204);
        }
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });
  });

  describe("the session itself, held by another instance", () => {
    it("gets the session state on a non-holder", async () => {
      const held = await holdNewSession(cluster, source, 0, 1, "get-state");
      try {
        expectStatus(await cluster.request("PUT", `${sessionPath(held.sessionId)}/state`, { instance: held.holder, body: { state: { step: 3 } } }), 204);
        for (const instance of otherInstances(cluster, held.holder)) {
          const state = await cluster.request("GET", `${sessionPath(held.sessionId)}/state`, { instance });
          expectStatus(state, 200);
          expect(state.body).toEqual({ sessionId: held.sessionId, state: { step: 3 }, stateEncoding: "json" });
        }
        // The holder still holds the session: its message is settled there.
        expectStatus(await onLock("complete", held, held.messages[0], held.holder), 204);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });

    it("sets the session state on a non-holder, and the holder and others read it back", async () => {
      const held = await holdNewSession(cluster, source, 1, 1, "set-state");
      const [setter, reader] = otherInstances(cluster, held.holder) as [number, number];
      try {
        expectStatus(
          await cluster.request("PUT", `${sessionPath(held.sessionId)}/state`, { instance: setter, body: { state: "half-way", stateEncoding: "text" } }),
          204,
        );
        for (const instance of [held.holder, reader]) {
          const state = await cluster.request("GET", `${sessionPath(held.sessionId)}/state`, { instance });
          expectStatus(state, 200);
          expect(state.body).toEqual({ sessionId: held.sessionId, state: "half-way", stateEncoding: "text" });
        }
        expectStatus(await onLock("complete", held, held.messages[0], held.holder), 204);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });

    it("renews the session lock on a non-holder", async () => {
      const held = await holdNewSession(cluster, source, 2, 1, "renew-session");
      try {
        const renewed = await cluster.request("POST", `${sessionPath(held.sessionId)}/renew`, { instance: 0 });
        expectStatus(renewed, 200);
        expect(renewed.body).toEqual({ sessionId: held.sessionId, sessionLockedUntilUtc: expect.any(String) });
        const lockedUntil = Date.parse((renewed.body as { sessionLockedUntilUtc: string }).sessionLockedUntilUtc);
        expect(lockedUntil).toBeGreaterThanOrEqual(Date.parse(held.sessionLockedUntilUtc));
        // Renewed, not taken over: the holder still settles its message.
        expectStatus(await onLock("complete", held, held.messages[0], held.holder), 204);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, held.holder, held.messages);
      }
    });

    it("closes the session on a non-holder, after which any instance can receive from it", async () => {
      const held = await holdNewSession(cluster, source, 0, 1, "close");
      const [closer, receiver] = otherInstances(cluster, held.holder) as [number, number];
      const again: MessageOut[] = [];
      try {
        expectStatus(await cluster.request("POST", `${sessionPath(held.sessionId)}/close`, { instance: closer }), 204);
        // Released on the holder: a third instance takes the session at once, and the unsettled message comes back.
        const received = sessionReceiveBody(await receiveFromSession(cluster, source, held.sessionId, { instance: receiver, maxMessages: 1 }));
        again.push(...received.messages);
        expect(received.sessionId).toBe(held.sessionId);
        expect(received.messages.map((each) => [each.messageId, each.deliveryCount])).toEqual([[held.messages[0]?.messageId, 2]]);
        expectStatus(await onLock("complete", held, received.messages[0], receiver), 204);
        expectStatus(await cluster.request("POST", `${sessionPath(held.sessionId)}/close`, { instance: receiver }), 204);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, receiver, again);
      }
    });
  });

  describe("next available sessions", () => {
    it("hands sessions received with sessionId=* on different instances to distinct instances, never one session twice", async () => {
      const ours = [newSessionId("next-a"), newSessionId("next-b"), newSessionId("next-c")];
      for (const sessionId of ours) await sendToSession(cluster, source, sessionId, 2);
      const taken: Array<{ instance: number; sessionId: string; messages: MessageOut[] }> = [];
      try {
        // One next-available receive on every instance at once; sessions left over by an earlier failed test are
        // settled, released and replaced by another receive on the same instance.
        const receiveOurs = async (instance: number): Promise<void> => {
          for (let attempt = 0; attempt < 10; attempt += 1) {
            const body = sessionReceiveBody(await receiveFromSession(cluster, source, "*", { instance, maxWaitSeconds: 10 }));
            expect(body.sessionId, "a session was available").toBeTypeOf("string");
            const sessionId = body.sessionId as string;
            taken.push({ instance, sessionId, messages: body.messages });
            expect(body.messages.every((each) => each.sessionId === sessionId)).toBe(true);
            if (ours.includes(sessionId)) return;
          }
          throw new Error(`Instance ${instance} received none of ${ours.join(", ")}.`);
        };
        await Promise.all(cluster.instances.map((each) => receiveOurs(each.index)));

        const sessionIds = taken.map((each) => each.sessionId);
        expect(new Set(sessionIds).size, `each session once: ${sessionIds.join(", ")}`).toBe(sessionIds.length);
        const oursTaken = taken.filter((each) => ours.includes(each.sessionId));
        expect(oursTaken.map((each) => each.sessionId).sort()).toEqual([...ours].sort());
        expect(new Set(oursTaken.map((each) => each.instance)).size).toBe(3);
        for (const each of oursTaken) {
          expect(each.messages.map((message) => message.messageId)).toEqual([`${each.sessionId}-0`, `${each.sessionId}-1`]);
        }
      } finally {
        for (const each of taken) await completeAndClose(cluster, source, each.sessionId, each.instance, each.messages);
      }
    });
  });
});
