/**
 * Losing the instance that holds sessions, of five API instances behind the round-robin proxy. Killed with SIGKILL:
 * the others answer calls naming its sessions with 410 SessionLockLost within the forwarded-call deadline (never a
 * 5xx or a hang), and once its session locks have expired another instance receives the sessions with nothing lost.
 * Frozen with SIGSTOP (hung, its connections open): the same 410 while its lock lasts, then the session comes back.
 * Stopped with SIGTERM: its sessions are released as soon as it stops taking requests, while it still finishes
 * those in progress, so another instance receives them at once.
 *
 * Each test takes one instance away (the first still in the proxy's rotation) and holds a fresh session of the
 * session-enabled queue and of the session-enabled subscription on it, so the tests also pass alone or in any order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_ENTITIES, startApiCluster } from "../helpers/api-cluster.js";
import type { ApiCluster, ClusterInstance, ClusterResponse } from "../helpers/api-cluster.js";
import type { MessageOut } from "../helpers/api-messages.js";
import {
  SESSION_SOURCES,
  completeAndClose,
  expectProblem,
  expectStatus,
  holdNewSession,
  receiveFromSession,
  sessionQuery,
  sessionReceiveBody,
} from "../helpers/cluster-sessions.js";
import type { HeldSession, SessionSource } from "../helpers/cluster-sessions.js";
import { heldRequest } from "../helpers/held-request.js";

/** Long, so that only a release (not the lock's expiry) can free a session while a test step runs. */
const LOCK_DURATION_SECONDS = 30;
/** How long a call forwarded to a session's holder waits for its answer. */
const FORWARDED_CALL_DEADLINE_SECONDS = 2;
/** A call that has not answered after this long hangs: far beyond the deadline, so load cannot fail a good answer. */
const HANG_TIMEOUT_MS = 10 * FORWARDED_CALL_DEADLINE_SECONDS * 1000;

let cluster: ApiCluster;

beforeAll(async () => {
  cluster = await startApiCluster({
    instances: 5,
    lockDurationSeconds: LOCK_DURATION_SECONDS,
    apiConfigSections: { sessions: { forwardedCallDeadlineSeconds: FORWARDED_CALL_DEADLINE_SECONDS } },
  });
}, 240_000);

afterAll(async () => {
  await cluster?.close();
}, 60_000);

function inRotation(): ClusterInstance[] {
  return cluster.proxy.upstreamsInRotation().map((index) => cluster.instances[index] as ClusterInstance);
}

/** The first instance in the rotation (the victim) and the others in the rotation (at least `minSurvivors`). */
function victimAndSurvivors(minSurvivors: number): { victim: ClusterInstance; survivors: number[] } {
  const [victim, ...others] = inRotation();
  expect(victim, "an instance is left to take away").toBeDefined();
  expect(others.length, "enough instances survive").toBeGreaterThanOrEqual(minSurvivors);
  return { victim: victim as ClusterInstance, survivors: others.map((each) => each.index) };
}

/** Holds a fresh session with `count` messages on `holder` for every source. */
async function holdOnEverySource(holder: number, count: number, label: string): Promise<Array<{ source: SessionSource; held: HeldSession }>> {
  const result: Array<{ source: SessionSource; held: HeldSession }> = [];
  for (const source of SESSION_SOURCES) result.push({ source, held: await holdNewSession(cluster, source, holder, count, `${label}-${source.kind}`) });
  return result;
}

function onLock(source: SessionSource, action: string, held: HeldSession, message: MessageOut | undefined, instance: number): Promise<ClusterResponse> {
  expect(message?.lockToken).toBeTypeOf("string");
  return cluster.request("POST", `${source.path}/locks/${message?.lockToken}/${action}?${sessionQuery(held.sessionId)}`, {
    instance,
    timeoutMs: HANG_TIMEOUT_MS,
  });
}

/**
 * Receives a session on the survivors, in turn, until one gets messages, within `timeoutMs`. While the session or its
 * messages are still locked by a lost holder, a receive answers 409 SessionCannotBeLocked, 410 SessionLockLost or no
 * messages; any other answer fails.
 */
async function receiveOnceFree(
  source: SessionSource,
  sessionId: string,
  survivors: readonly number[],
  timeoutMs: number,
): Promise<{ instance: number; messages: MessageOut[] }> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt += 1) {
    const instance = survivors[attempt % survivors.length] as number;
    const response = await receiveFromSession(cluster, source, sessionId, { instance, maxWaitSeconds: 2, timeoutMs: HANG_TIMEOUT_MS });
    if (response.status === 200) {
      const body = sessionReceiveBody(response);
      if (body.messages.length > 0) {
        expect(body.sessionId).toBe(sessionId);
        return { instance, messages: body.messages };
      }
      continue;
    }
    expect([409, 410], JSON.stringify(response.body)).toContain(response.status);
    expect((response.body as { code?: string }).code).toBe(response.status === 409 ? "SessionCannotBeLocked" : "SessionLockLost");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Session ${sessionId} of the ${source.kind} was not received on any of instances ${survivors.join(", ")} within ${timeoutMs} ms.`);
}

/** The ids and delivery counts of messages. */
function deliveries(messages: readonly MessageOut[]): Array<[string | undefined, number]> {
  return messages.map((each) => [each.messageId, each.deliveryCount]);
}

/** Long enough for a lost holder's session lock to expire, plus time for a loaded machine. */
const LOCK_EXPIRY_WAIT_MS = (LOCK_DURATION_SECONDS + 30) * 1000;

describe("the holder of sessions killed with SIGKILL", () => {
  it("answers 410 SessionLockLost on the others within the call deadline, never a 5xx or a hang", async () => {
    const { victim, survivors } = victimAndSurvivors(2);
    const sessions = await holdOnEverySource(victim.index, 2, "killed");
    expect(await victim.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });

    for (const { source, held } of sessions) {
      const [completed, renewed] = held.messages;
      for (const instance of survivors) {
        expectProblem(await onLock(source, "complete", held, completed, instance), 410, "SessionLockLost");
        expectProblem(await onLock(source, "renew", held, renewed, instance), 410, "SessionLockLost");
      }
    }

    // Clean-up: the session's messages, back once its lock has expired.
    for (const { source, held } of sessions) {
      const back = await receiveOnceFree(source, held.sessionId, survivors, LOCK_EXPIRY_WAIT_MS);
      await completeAndClose(cluster, source, held.sessionId, back.instance, back.messages);
    }
  }, 240_000);

  it("lets another instance receive the session once its lock has expired, with no message lost", async () => {
    const { victim, survivors } = victimAndSurvivors(2);
    const sessions = await holdOnEverySource(victim.index, 3, "killed-back");
    // One message of each session is completed on the holder before it dies; the others are locked by it.
    for (const { source, held } of sessions) expectStatus(await onLock(source, "complete", held, held.messages[0], victim.index), 204);
    expect(await victim.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });

    for (const { source, held } of sessions) {
      const back = await receiveOnceFree(source, held.sessionId, survivors, LOCK_EXPIRY_WAIT_MS);
      try {
        expect(deliveries(back.messages)).toEqual(held.messages.slice(1).map((each) => [each.messageId, 2]));
        const completed = await cluster.request("POST", `${source.path}/locks/complete?${sessionQuery(held.sessionId)}`, {
          instance: back.instance,
          body: { lockTokens: back.messages.map((each) => each.lockToken) },
        });
        expectStatus(completed, 200);
        expect((completed.body as { failed: unknown[] }).failed).toEqual([]);
      } finally {
        await completeAndClose(cluster, source, held.sessionId, back.instance, back.messages);
      }
    }
  }, 240_000);
});

describe("the holder of sessions frozen with SIGSTOP (hung, its connections still open)", () => {
  it("answers 410 SessionLockLost on the others while its session lock lasts, and the session comes back once the lock has expired", async () => {
    const { victim, survivors } = victimAndSurvivors(2);
    const sessions = await holdOnEverySource(victim.index, 1, "frozen");
    cluster.proxy.takeOut(victim.index);
    victim.process.child.kill("SIGSTOP");
    try {
      for (const { source, held } of sessions) {
        // Well within the lock: the forwarded call reaches no one and ends at its deadline.
        const state = await cluster.request("GET", `${source.path}/sessions/${encodeURIComponent(held.sessionId)}/state`, {
          instance: survivors[0] as number,
          timeoutMs: HANG_TIMEOUT_MS,
        });
        expectProblem(state, 410, "SessionLockLost");
        expectProblem(await onLock(source, "complete", held, held.messages[0], survivors[1] as number), 410, "SessionLockLost");
      }
      for (const { source, held } of sessions) {
        const back = await receiveOnceFree(source, held.sessionId, survivors, LOCK_EXPIRY_WAIT_MS);
        try {
          expect(deliveries(back.messages)).toEqual([[held.messages[0]?.messageId, 2]]);
        } finally {
          await completeAndClose(cluster, source, held.sessionId, back.instance, back.messages);
        }
      }
    } finally {
      await victim.stop("SIGKILL");
    }
  }, 240_000);
});

describe("the holder of sessions stopped with SIGTERM", () => {
  it("releases its sessions at once, so another instance receives from them while it still finishes its requests in progress", async () => {
    const { victim, survivors } = victimAndSurvivors(1);
    const sessions = await holdOnEverySource(victim.index, 1, "stopped");
    // A receive on the queue without sessions, waiting for a message that never comes: in progress when the
    // instance is stopped, it keeps the instance running (it finishes requests in progress before it exits).
    const inProgress = heldRequest(victim.baseUrl, cluster.apiKey, "POST", `/queues/${CLUSTER_ENTITIES.queue}/receive?maxMessages=1&maxWaitSeconds=60`, "");
    inProgress.finish();
    await inProgress.taken;

    let exitedYet = false;
    const exited = victim.stop("SIGTERM").finally(() => {
      exitedYet = true;
    });
    const receiver = survivors[0] as number;
    const received: Array<{ source: SessionSource; sessionId: string; messages: MessageOut[] }> = [];
    try {
      for (const { source, held } of sessions) {
        const back = await receiveOnceFree(source, held.sessionId, [receiver], LOCK_EXPIRY_WAIT_MS);
        received.push({ source, sessionId: held.sessionId, messages: back.messages });
        expect(deliveries(back.messages)).toEqual([[held.messages[0]?.messageId, 2]]);
      }
      // Released by the stopping instance itself: not by its exit (which would release them too) nor by the lock's expiry.
      expect(exitedYet, "the sessions were received while the stopped instance was still finishing its requests").toBe(false);
      expect(await exited).toEqual({ code: 0, signal: null });
      // Received on the survivor's own link (not through the stopping instance, which is gone now): settled there.
      for (const each of received) {
        for (const message of each.messages) {
          const completed = await cluster.request("POST", `${each.source.path}/locks/${message.lockToken}/complete?${sessionQuery(each.sessionId)}`, {
            instance: receiver,
          });
          expectStatus(completed, 204);
        }
      }
    } finally {
      await exited;
      for (const each of received) await completeAndClose(cluster, each.source, each.sessionId, receiver, each.messages);
    }
  }, 180_000);
});
