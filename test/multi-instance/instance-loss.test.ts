/**
 * Losing one of three API instances behind the round-robin proxy. Killed with SIGKILL while it holds peek-locks:
 * the others keep answering, can still settle its messages, and Service Bus delivers the rest again once their
 * locks expire. Stopped with SIGTERM: the requests it has taken finish before it exits.
 *
 * The tests share one cluster and each takes one instance away, so they also pass alone or in either order.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_ENTITIES, startApiCluster } from "../helpers/api-cluster.js";
import type { ApiCluster, ClusterInstance, ClusterResponse } from "../helpers/api-cluster.js";
import { messagesOf } from "../helpers/api-messages.js";
import type { MessageOut } from "../helpers/api-messages.js";
import { heldRequest } from "../helpers/held-request.js";

/** Long enough that a loaded machine settles a dead instance's message before its lock expires. */
const LOCK_DURATION_SECONDS = 10;

const SOURCES = [
  { kind: "queue", sendTo: CLUSTER_ENTITIES.queue, path: `/queues/${CLUSTER_ENTITIES.queue}` },
  {
    kind: "subscription",
    sendTo: CLUSTER_ENTITIES.topic,
    path: `/topics/${CLUSTER_ENTITIES.topic}/subscriptions/${CLUSTER_ENTITIES.subscription}`,
  },
] as const;
type Source = (typeof SOURCES)[number];

let cluster: ApiCluster;

beforeAll(async () => {
  cluster = await startApiCluster({ instances: 3, lockDurationSeconds: LOCK_DURATION_SECONDS });
}, 240_000);

afterAll(async () => {
  await cluster?.close();
}, 60_000);

function expectStatus(response: ClusterResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

function inRotation(): ClusterInstance[] {
  return cluster.proxy.upstreamsInRotation().map((index) => cluster.instances[index] as ClusterInstance);
}

async function send(source: Source, messageIds: readonly string[]): Promise<void> {
  for (const messageId of messageIds) {
    expectStatus(await cluster.request("POST", `/entities/${source.sendTo}/messages`, { body: { messageId, body: { messageId } } }), 201);
  }
}

/**
 * Receives `messageIds` (through the proxy, or from one instance) until all came or `timeoutMs` passed. Other
 * messages (left over by an earlier failed test) are completed on the way.
 */
async function receiveAll(source: Source, messageIds: readonly string[], options: { instance?: number; timeoutMs?: number } = {}): Promise<MessageOut[]> {
  const wanted = new Set(messageIds);
  const received = new Map<string, MessageOut>();
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (received.size < wanted.size && Date.now() < deadline) {
    const response = await cluster.request(
      "POST",
      `${source.path}/receive?maxMessages=10&maxWaitSeconds=2`,
      options.instance === undefined ? {} : { instance: options.instance },
    );
    expectStatus(response, 200);
    for (const message of messagesOf(response.body)) {
      if (message.messageId !== undefined && wanted.has(message.messageId)) received.set(message.messageId, message);
      else await cluster.request("POST", `${source.path}/locks/${message.lockToken}/complete`);
    }
  }
  return [...received.values()];
}

describe("an instance killed with SIGKILL while it holds peek-locks", () => {
  it("leaves the others answering and settling its messages, and its other messages come back with deliveryCount 2", async () => {
    const victim = inRotation()[0] as ClusterInstance;
    const batches = SOURCES.map((source) => ({ source, messageIds: Array.from({ length: 4 }, (_, index) => `kill-${source.kind}-${index}-${randomUUID()}`) }));
    const locked = new Map<Source, MessageOut[]>();
    for (const { source, messageIds } of batches) {
      await send(source, messageIds);
      const received = await receiveAll(source, messageIds, { instance: victim.index });
      expect(received.map((each) => each.messageId).sort()).toEqual([...messageIds].sort());
      expect(received.every((each) => each.deliveryCount === 1)).toBe(true);
      locked.set(source, received);
    }

    const exit = await victim.stop("SIGKILL");
    expect(exit.signal).toBe("SIGKILL");

    // Every remaining instance, twice over: no 5xx and no hang (each call fails after 30 s), and the dead
    // instance's messages are still settled through Service Bus.
    const survivors = inRotation().length;
    const lockedUntil: number[] = [];
    for (const { source } of batches) {
      const [completed, renewed, ...rest] = locked.get(source) as MessageOut[];
      const completeResponse = await cluster.request("POST", `${source.path}/locks/${completed?.lockToken}/complete`);
      expectStatus(completeResponse, 204);
      expect(completeResponse.servedBy).not.toBe(victim.index);
      const renewResponse = await cluster.request("POST", `${source.path}/locks/${renewed?.lockToken}/renew`);
      expectStatus(renewResponse, 200);
      lockedUntil.push(
        Date.parse((renewResponse.body as { lockedUntilUtc: string }).lockedUntilUtc),
        ...rest.map((each) => Date.parse(each.lockedUntilUtc ?? "")),
      );
      for (let call = 0; call < 2 * survivors; call += 1) {
        const peeked = await cluster.request("GET", `${source.path}/peek?maxMessages=10`);
        expectStatus(peeked, 200);
        // From the dead-letter sub-queue, so the messages under test keep their delivery counts.
        const received = await cluster.request("POST", `${source.path}/receive?maxMessages=1&maxWaitSeconds=0&subQueue=deadLetter`);
        expectStatus(received, 200);
        expect(messagesOf(received.body)).toEqual([]);
        expect([peeked.servedBy, received.servedBy]).not.toContain(victim.index);
      }
    }

    // Once the locks have expired, everything not completed comes back, one delivery more.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.max(...lockedUntil) - Date.now()) + 1_000));
    for (const { source, messageIds } of batches) {
      const completedId = (locked.get(source) as MessageOut[])[0]?.messageId;
      const expected = messageIds.filter((id) => id !== completedId);
      const back = await receiveAll(source, expected);
      expect(back.map((each) => each.messageId).sort()).toEqual([...expected].sort());
      expect(back.filter((each) => each.deliveryCount !== 2).map((each) => `${each.messageId}: deliveryCount ${each.deliveryCount}`)).toEqual([]);
      const completed = await cluster.request("POST", `${source.path}/locks/complete`, { body: { lockTokens: back.map((each) => each.lockToken) } });
      expectStatus(completed, 200);
      expect((completed.body as { failed: unknown[] }).failed).toEqual([]);
    }
  }, 180_000);
});

describe("an instance stopped with SIGTERM", () => {
  it("finishes the requests it has taken (a send waiting for its body, a receive waiting for a message), closing their connections, and exits cleanly", async () => {
    // The held send goes to the topic, so the receive waiting on the queue gets only the awaited message.
    const [source, sendSource] = SOURCES;
    const sentId = `term-send-${randomUUID()}`;
    const awaitedId = `term-awaited-${randomUUID()}`;

    // A send through the proxy, taken by an instance (its 100 Continue came back) but with its body not sent yet.
    const countsBefore = cluster.proxy.requestCounts();
    const sending = heldRequest(
      cluster.url,
      cluster.apiKey,
      "POST",
      `/entities/${sendSource.sendTo}/messages`,
      JSON.stringify({ messageId: sentId, body: { sentId } }),
    );
    await sending.taken;
    const victimIndex = cluster.proxy.requestCounts().findIndex((count, index) => count !== countsBefore[index]);
    const victim = cluster.instances[victimIndex] as ClusterInstance;
    // A receive on the same instance, waiting for a message that is not there yet.
    const receiving = heldRequest(victim.baseUrl, cluster.apiKey, "POST", `${source.path}/receive?maxMessages=1&maxWaitSeconds=30`, "");
    receiving.finish();
    await receiving.taken;

    const exited = victim.stop("SIGTERM");
    sending.finish();
    const sent = await sending.response;
    expect(sent.status, sent.body).toBe(201);
    expect(JSON.parse(sent.body)).toEqual({ messageId: sentId });
    // The awaited message, sent through the other instances, reaches the receive still waiting on the stopping one.
    await send(source, [awaitedId]);
    const received = await receiving.response;
    expect(received.status, received.body).toBe(200);
    const [awaited] = messagesOf(JSON.parse(received.body));
    expect(awaited?.messageId).toBe(awaitedId);
    // Its client is told not to reuse the connection: one kept alive would hold the stopping process open.
    expect(received.headers.connection).toBe("close");

    expect(await exited).toEqual({ code: 0, signal: null });
    expect(cluster.proxy.upstreamsInRotation()).not.toContain(victimIndex);
    // The sent message is in the subscription, for the others.
    const [found] = await receiveAll(sendSource, [sentId]);
    expectStatus(await cluster.request("POST", `${sendSource.path}/locks/${found?.lockToken}/complete`), 204);
    // The message received on the stopped instance is still locked in Service Bus, and settled by the others.
    expectStatus(await cluster.request("POST", `${source.path}/locks/${awaited?.lockToken}/complete`), 204);
  }, 120_000);
});
