/**
 * Resubmitting dead letters from a subscription sends the copies to its topic, from where every
 * subscription whose rules match gets one. A key scoped to one subscription must not reach the topic
 * that way: the operation needs the topic in the key's allow-list, as sending to the topic does.
 * The attack: a key with send + listen on order-events/billing only receives a message there,
 * dead-letters it with properties of its choice, and resubmits it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import { DEMO_ENTITIES } from "../../api/src/config/demo.js";
import { demoEmulatorConfig } from "../../emulator/src/index.js";
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";
import { startCustomApi } from "../helpers/custom-api.js";
import type { CustomApi } from "../helpers/custom-api.js";

const KEYS = { admin: "resubmit-admin-key-51c2", billingOnly: "resubmit-billing-only-key-9e04", topic: "resubmit-topic-key-3a7d" } as const;

const API_KEYS: ApiKeyRecord[] = [
  { name: "admin", sha256: hashApiKey(KEYS.admin), scopes: ["send", "listen", "manage"], entities: ["*"] },
  { name: "billing-only", sha256: hashApiKey(KEYS.billingOnly), scopes: ["send", "listen"], entities: ["order-events/billing"] },
  { name: "topic", sha256: hashApiKey(KEYS.topic), scopes: ["send", "listen"], entities: ["order-events"] },
];

const BILLING = "/topics/order-events/subscriptions/billing";

describe("security: resubmitting dead letters from a subscription needs the topic", () => {
  let emulator: Emulator;
  let api: CustomApi;

  const call = async (key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers: Record<string, string> = { "X-API-Key": key };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${api.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const messagesIn = async (path: string): Promise<unknown[]> => {
    const answer = await call(KEYS.admin, "GET", `${path}/peek?maxMessages=50`);
    expect(answer.status).toBe(200);
    return answer.body["messages"] as unknown[];
  };

  /** Sends an OrderSubmitted message to the topic; `key` receives billing's copy and dead-letters it with properties of its choice. */
  const deadLetterOnBilling = async (key: string): Promise<void> => {
    expect(
      (await call(KEYS.admin, "POST", "/entities/order-events/messages", { body: { orderId: 1 }, applicationProperties: { eventType: "OrderSubmitted" } }))
        .status,
    ).toBe(201);
    const received = await call(key, "POST", `${BILLING}/receive?maxMessages=1&maxWaitSeconds=5`);
    const [message] = received.body["messages"] as Array<{ lockToken: string }>;
    expect(message).toBeDefined();
    const deadLettered = await call(key, "POST", `${BILLING}/locks/${message?.lockToken}/dead-letter`, {
      propertiesToModify: { eventType: "Steered", injected: true },
    });
    expect(deadLettered.status).toBe(204);
  };

  beforeAll(async () => {
    emulator = await createEmulator({ config: demoEmulatorConfig() });
    api = await startCustomApi(emulator.connectionString, { apiKeys: API_KEYS, entities: DEMO_ENTITIES });
  });
  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  it("refuses a key scoped to the subscription with 403, and nothing reaches the sibling subscriptions", async () => {
    await deadLetterOnBilling(KEYS.billingOnly);
    // Sending to the topic directly is refused (404: to this key the topic is not there to send to), and so is
    // reaching it through a resubmit (403: the key knows its subscription's topic).
    expect((await call(KEYS.billingOnly, "POST", "/entities/order-events/messages", { body: "x" })).status).toBe(404);
    const resubmit = await call(KEYS.billingOnly, "POST", `${BILLING}/dead-letters/resubmit`, { maxMessages: 10 });
    expect(resubmit.status).toBe(403);
    expect(resubmit.body).toMatchObject({ code: "Forbidden" });
    expect(resubmit.body["detail"]).toMatch(/order-events/);
    // The dead letter stays where it was; the siblings hold only the original message, no copy.
    expect(await messagesIn(BILLING)).toEqual([]);
    const deadLetters = await call(KEYS.admin, "GET", `${BILLING}/peek?subQueue=deadLetter&maxMessages=50`);
    expect(deadLetters.body["messages"]).toHaveLength(1);
    for (const sibling of ["analytics", "support"]) {
      expect(await messagesIn(`/topics/order-events/subscriptions/${sibling}`), sibling).toHaveLength(1);
    }
  });

  it("lets a key whose allow-list covers the topic resubmit", async () => {
    const resubmit = await call(KEYS.topic, "POST", `${BILLING}/dead-letters/resubmit`, { maxMessages: 10 });
    expect(resubmit.status).toBe(200);
    expect(resubmit.body["resubmitted"]).toHaveLength(1);
    const deadLetters = await call(KEYS.admin, "GET", `${BILLING}/peek?subQueue=deadLetter&maxMessages=50`);
    expect(deadLetters.body["messages"]).toEqual([]);
  });
});
