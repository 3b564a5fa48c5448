/**
 * Non-session messages across instances: three API processes over one Service Bus behind a round-robin proxy.
 * A message received through one instance is renewed, abandoned, deferred, dead-lettered and completed through
 * the others, which hold no link for it (Service Bus settles it by lock token), for a queue and a subscription.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_ENTITIES, startApiCluster } from "../helpers/api-cluster.js";
import type { ApiCluster, ClusterResponse } from "../helpers/api-cluster.js";
import { messagesOf } from "../helpers/api-messages.js";
import type { MessageOut } from "../helpers/api-messages.js";

const SOURCES = [
  { kind: "queue", sendTo: CLUSTER_ENTITIES.queue, path: `/queues/${CLUSTER_ENTITIES.queue}` },
  {
    kind: "subscription",
    sendTo: CLUSTER_ENTITIES.topic,
    path: `/topics/${CLUSTER_ENTITIES.topic}/subscriptions/${CLUSTER_ENTITIES.subscription}`,
  },
] as const;

let cluster: ApiCluster;

beforeAll(async () => {
  cluster = await startApiCluster({ instances: 3 });
}, 240_000);

afterAll(async () => {
  await cluster?.close();
}, 60_000);

/** The instance that served a call through the proxy (fails when it cannot be told). */
function servedBy(response: ClusterResponse): number {
  expect(response.servedBy, "the call went through the proxy to exactly one instance").toBeTypeOf("number");
  return response.servedBy as number;
}

function expectStatus(response: ClusterResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

describe.each(SOURCES)("non-session messages of a $kind across three instances", (source) => {
  async function send(): Promise<string> {
    const messageId = `multi-${randomUUID()}`;
    expectStatus(await cluster.request("POST", `/entities/${source.sendTo}/messages`, { body: { messageId, body: { messageId } } }), 201);
    return messageId;
  }

  /**
   * Receives through the proxy, one message per call, until one of `messageIds` comes. Messages left over by an
   * earlier failed test are completed on the way, so one failure does not fail the tests after it.
   */
  async function receiveOneOf(messageIds: readonly string[]): Promise<{ message: MessageOut; receivedBy: number }> {
    for (let call = 0; call < 20; call += 1) {
      const response = await cluster.request("POST", `${source.path}/receive?maxMessages=1&maxWaitSeconds=20`);
      expectStatus(response, 200);
      const [message] = messagesOf(response.body);
      if (message === undefined) continue;
      if (message.messageId !== undefined && messageIds.includes(message.messageId)) return { message, receivedBy: servedBy(response) };
      await cluster.request("POST", `${source.path}/locks/${message.lockToken}/complete`);
    }
    throw new Error(`None of ${messageIds.join(", ")} was received.`);
  }

  async function receiveOne(messageId: string): Promise<{ message: MessageOut; receivedBy: number }> {
    return receiveOneOf([messageId]);
  }

  async function settle(action: string, lockToken: string | undefined, body?: unknown): Promise<ClusterResponse> {
    expect(lockToken).toBeTypeOf("string");
    return cluster.request("POST", `${source.path}/locks/${lockToken}/${action}`, body === undefined ? {} : { body });
  }

  async function peek(subQueue?: "deadLetter"): Promise<MessageOut[]> {
    const response = await cluster.request("GET", `${source.path}/peek?maxMessages=50${subQueue ? `&subQueue=${subQueue}` : ""}`);
    expectStatus(response, 200);
    return messagesOf(response.body);
  }

  it("renews and abandons on two other instances, then dead-letters the redelivery on another again", async () => {
    const messageId = await send();
    const first = await receiveOne(messageId);

    const renewed = await settle("renew", first.message.lockToken);
    expectStatus(renewed, 200);
    const renewedUntil = Date.parse((renewed.body as { lockedUntilUtc: string }).lockedUntilUtc);
    expect(renewedUntil).toBeGreaterThanOrEqual(Date.parse(first.message.lockedUntilUtc ?? ""));

    const abandoned = await settle("abandon", first.message.lockToken);
    expectStatus(abandoned, 204);
    expect(new Set([first.receivedBy, servedBy(renewed), servedBy(abandoned)]).size).toBe(3);

    const again = await receiveOne(messageId);
    expect(again.message.deliveryCount).toBe(2);
    const deadLettered = await settle("dead-letter", again.message.lockToken, { deadLetterReason: "tried on every instance" });
    expectStatus(deadLettered, 204);
    expect(servedBy(deadLettered)).not.toBe(again.receivedBy);

    expect((await peek()).map((each) => each.messageId)).not.toContain(messageId);
    const deadLetter = (await peek("deadLetter")).find((each) => each.messageId === messageId);
    expect(deadLetter?.deadLetterReason).toBe("tried on every instance");
  });

  it("defers on another instance, then completes the deferred message on an instance other than the one that received it", async () => {
    const messageId = await send();
    const first = await receiveOne(messageId);
    const deferred = await settle("defer", first.message.lockToken);
    expectStatus(deferred, 204);
    expect(servedBy(deferred)).not.toBe(first.receivedBy);

    const deferredReceive = await cluster.request("POST", `${source.path}/deferred/receive`, { body: { sequenceNumbers: [first.message.sequenceNumber] } });
    expectStatus(deferredReceive, 200);
    const [again] = messagesOf(deferredReceive.body);
    expect(again).toMatchObject({ messageId, state: "deferred" });
    const completed = await settle("complete", again?.lockToken);
    expectStatus(completed, 204);
    expect(servedBy(completed)).not.toBe(servedBy(deferredReceive));

    expect((await peek()).map((each) => each.messageId)).not.toContain(messageId);
  });

  it("completes on another instance, after which the message is gone and its lock token answers 410 on every instance", async () => {
    const messageId = await send();
    const first = await receiveOne(messageId);
    const completed = await settle("complete", first.message.lockToken);
    expectStatus(completed, 204);
    expect(servedBy(completed)).not.toBe(first.receivedBy);

    for (const instance of cluster.instances) {
      const again = await cluster.request("POST", `${source.path}/locks/${first.message.lockToken}/complete`, { instance: instance.index });
      expectStatus(again, 410);
      expect((again.body as { code: string }).code).toBe("MessageLockLost");
    }
    expect((await peek()).map((each) => each.messageId)).not.toContain(messageId);
  });

  it("completes in one CompleteMessages call the lock tokens received on three different instances", async () => {
    const messageIds = [await send(), await send(), await send()];
    const received: Array<{ message: MessageOut; receivedBy: number }> = [];
    for (let call = 0; call < 3; call += 1) received.push(await receiveOneOf(messageIds));
    expect(received.map((each) => each.message.messageId).sort()).toEqual([...messageIds].sort());
    expect(new Set(received.map((each) => each.receivedBy)).size).toBe(3);

    const lockTokens = received.map((each) => each.message.lockToken as string);
    const completed = await cluster.request("POST", `${source.path}/locks/complete`, { body: { lockTokens } });
    expectStatus(completed, 200);
    expect(completed.body).toEqual({ completedLockTokens: lockTokens, failed: [] });

    const left = (await peek()).map((each) => each.messageId);
    expect(left.filter((id) => id !== undefined && messageIds.includes(id))).toEqual([]);
  });
});
