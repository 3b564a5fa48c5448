/**
 * Test helpers: session calls on an {@link ApiCluster}, for the multi-instance session tests. A session is sent to,
 * received and held on one instance called directly, so a test knows which instance holds it and can send the
 * calls under test to the others.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { ApiCluster, ClusterResponse } from "./api-cluster.js";
import { CLUSTER_ENTITIES } from "./api-cluster.js";
import { messagesOf } from "./api-messages.js";
import type { MessageOut } from "./api-messages.js";

/** A session-enabled queue or subscription of the cluster: where to send its messages and its API path. */
export interface SessionSource {
  readonly kind: "queue" | "subscription";
  /** The queue or topic messages are sent to. */
  readonly sendTo: string;
  /** `/queues/{queue}` or `/topics/{topic}/subscriptions/{subscription}`. */
  readonly path: string;
}

/** The cluster's session-enabled queue and subscription. */
export const SESSION_SOURCES: readonly SessionSource[] = [
  { kind: "queue", sendTo: CLUSTER_ENTITIES.sessionQueues[0], path: `/queues/${CLUSTER_ENTITIES.sessionQueues[0]}` },
  {
    kind: "subscription",
    sendTo: CLUSTER_ENTITIES.sessionTopic,
    path: `/topics/${CLUSTER_ENTITIES.sessionTopic}/subscriptions/${CLUSTER_ENTITIES.sessionSubscription}`,
  },
];

/** The 200 body of a session receive. */
export interface SessionReceiveBody {
  sessionId?: string;
  sessionLockedUntilUtc?: string;
  messages: MessageOut[];
}

/** A session held by one instance, with the messages it received (still locked). */
export interface HeldSession {
  readonly sessionId: string;
  /** The index of the instance that holds it. */
  readonly holder: number;
  readonly messages: MessageOut[];
  readonly sessionLockedUntilUtc: string;
}

export function expectStatus(response: ClusterResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}

/** Expects an application/problem+json answer with this status and code. */
export function expectProblem(response: ClusterResponse, status: number, code: string): void {
  expectStatus(response, status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code });
}

/** `?sessionId=...` (URL-encoded), to append to a settle, renew or receive path. */
export function sessionQuery(sessionId: string): string {
  return `sessionId=${encodeURIComponent(sessionId)}`;
}

/** A fresh session id for one test. */
export function newSessionId(label: string): string {
  return `${label}-${randomUUID()}`;
}

/** Sends `count` messages to one session (through the proxy) and returns their message ids, in order. */
export async function sendToSession(cluster: ApiCluster, source: SessionSource, sessionId: string, count: number): Promise<string[]> {
  const messageIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const messageId = `${sessionId}-${index}`;
    expectStatus(await cluster.request("POST", `/entities/${source.sendTo}/messages`, { body: { sessionId, messageId, body: { index } } }), 201);
    messageIds.push(messageId);
  }
  return messageIds;
}

/** Receives from a session (an id or `*`) on one instance, directly; returns the raw answer. */
export function receiveFromSession(
  cluster: ApiCluster,
  source: SessionSource,
  sessionId: string,
  options: { instance: number; maxMessages?: number; maxWaitSeconds?: number; timeoutMs?: number },
): Promise<ClusterResponse> {
  const query = `${sessionQuery(sessionId)}&maxMessages=${options.maxMessages ?? 10}&maxWaitSeconds=${options.maxWaitSeconds ?? 5}`;
  return cluster.request("POST", `${source.path}/receive?${query}`, {
    instance: options.instance,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** The body of a 200 session receive (fails on any other answer). */
export function sessionReceiveBody(response: ClusterResponse): SessionReceiveBody {
  expectStatus(response, 200);
  return { ...(response.body as SessionReceiveBody), messages: messagesOf(response.body) };
}

/**
 * Sends `count` messages to a fresh session and receives all of them on instance `holder`, which then holds the
 * session. Fails unless the holder received exactly those messages, in order.
 */
export async function holdNewSession(cluster: ApiCluster, source: SessionSource, holder: number, count: number, label = "held"): Promise<HeldSession> {
  const sessionId = newSessionId(label);
  const messageIds = await sendToSession(cluster, source, sessionId, count);
  const messages: MessageOut[] = [];
  let sessionLockedUntilUtc = "";
  while (messages.length < count) {
    const body = sessionReceiveBody(await receiveFromSession(cluster, source, sessionId, { instance: holder, maxMessages: count - messages.length }));
    expect(body.sessionId).toBe(sessionId);
    expect(body.messages.length, "the held session's messages arrive").toBeGreaterThan(0);
    messages.push(...body.messages);
    sessionLockedUntilUtc = body.sessionLockedUntilUtc ?? "";
  }
  expect(messages.map((each) => each.messageId)).toEqual(messageIds);
  expect(messages.every((each) => each.sessionId === sessionId && typeof each.lockToken === "string")).toBe(true);
  return { sessionId, holder, messages, sessionLockedUntilUtc };
}

/** The instances other than `holder`, in index order. */
export function otherInstances(cluster: ApiCluster, holder: number): number[] {
  return cluster.instances.map((each) => each.index).filter((index) => index !== holder);
}

/** The messages of one session still in the entity (active or deferred), peeked on `instance`, which must hold the session. */
export async function peekSession(cluster: ApiCluster, source: SessionSource, sessionId: string, instance: number): Promise<MessageOut[]> {
  const response = await cluster.request("GET", `${source.path}/peek?maxMessages=50&${sessionQuery(sessionId)}`, { instance });
  expectStatus(response, 200);
  return messagesOf(response.body);
}

/**
 * Clean-up at the end of a test: completes `messages` and closes the session on `holder` (which settles its own
 * session's messages without `sessionId`). Answers are not checked, so a test that already settled some of them
 * (or failed half-way) still releases its session.
 */
export async function completeAndClose(
  cluster: ApiCluster,
  source: SessionSource,
  sessionId: string,
  holder: number,
  messages: readonly MessageOut[],
): Promise<void> {
  for (const message of messages) {
    await cluster.request("POST", `${source.path}/locks/${message.lockToken}/complete`, { instance: holder });
  }
  await cluster.request("POST", `${source.path}/sessions/${encodeURIComponent(sessionId)}/close`, { instance: holder });
}
