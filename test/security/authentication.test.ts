/**
 * Who may call what: every operation of the registry refuses callers without a valid key (401) before
 * it reads anything else, a key removed from the configuration stops working (401), a key without the
 * scope gets 403, and a key outside its allow-list gets the same 404 as for an entity that does not exist
 * (so it cannot learn which other entities exist). The API runs on the emulator with the real SDK.
 *
 * The emulator's own SAS checks (bad signature, wrong key, expired token, token scoped to another
 * entity) are covered by test/integration/emulator/auth.test.ts and are not repeated here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import { OPERATIONS } from "../../api/src/contract/registry.js";

/** The operations an API key authorises: all but those a capability in their path authorises. */
const KEYED_OPERATIONS = OPERATIONS.filter((operation) => !operation.auth.capability);
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";
import { apiTestEmulatorConfig } from "../helpers/api-fixture.js";
import { startCustomApi } from "../helpers/custom-api.js";
import type { CustomApi } from "../helpers/custom-api.js";
import { sampleRequest } from "../helpers/operation-samples.js";

const KEYS = {
  current: "security-current-key-7f3a",
  retired: "security-retired-key-19bc",
  sendOnly: "security-send-only-key-4d21",
  listenOnly: "security-listen-only-key-88e0",
  ordersOnly: "security-orders-only-key-a5c7",
  billingOnly: "security-billing-only-key-0b6e",
} as const;

function record(name: string, key: string, scopes: ApiKeyRecord["scopes"], entities: string[] = ["*"]): ApiKeyRecord {
  return { name, sha256: hashApiKey(key), scopes, entities };
}

const ALL_KEYS: ApiKeyRecord[] = [
  record("current", KEYS.current, ["send", "listen", "manage"]),
  record("retired", KEYS.retired, ["send", "listen", "manage"]),
  record("send-only", KEYS.sendOnly, ["send"]),
  record("listen-only", KEYS.listenOnly, ["listen"]),
  record("orders-only", KEYS.ordersOnly, ["send", "listen"], ["orders"]),
  record("billing-only", KEYS.billingOnly, ["listen"], ["events/billing"]),
];

interface Answer {
  status: number;
  contentType: string;
  body: { code?: string; status?: number; detail?: string };
}

async function call(api: CustomApi, method: string, path: string, key: string | undefined, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${api.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: text ? (JSON.parse(text) as Answer["body"]) : {} };
}

function expectProblem(answer: Answer, status: number, code: string, label: string): void {
  expect(answer.status, `${label}: ${JSON.stringify(answer.body)}`).toBe(status);
  expect(answer.contentType, label).toMatch(/^application\/problem\+json/);
  expect(answer.body.code, label).toBe(code);
}

describe("security: authentication and authorization", () => {
  let emulator: Emulator;
  let api: CustomApi;

  beforeAll(async () => {
    emulator = await createEmulator({ config: apiTestEmulatorConfig() });
    api = await startCustomApi(emulator.connectionString, { apiKeys: ALL_KEYS });
  });
  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  it("answers every operation with a 401 problem without a key, with an empty key and with a wrong key", async () => {
    const wrong = ["", "wrong-key", KEYS.current.toUpperCase(), `${KEYS.current}x`, KEYS.current.slice(0, -1), hashApiKey(KEYS.current), "x".repeat(5000)];
    for (const operation of KEYED_OPERATIONS) {
      const { method, path, body } = sampleRequest(operation);
      expectProblem(await call(api, method, path, undefined, body), 401, "Unauthorized", `${operation.operationId} without a key`);
      for (const key of wrong) {
        expectProblem(await call(api, method, path, key, body), 401, "Unauthorized", `${operation.operationId} with key '${key.slice(0, 20)}'`);
      }
    }
  });

  it("answers the operations a capability in their path authorises (a webhook subscription's delete) alike with and without a key", async () => {
    const capability = OPERATIONS.filter((each) => each.auth.capability);
    expect(capability.map((each) => each.operationId).sort()).toEqual(["DeleteWebhookSubscriptionOfQueue", "DeleteWebhookSubscriptionOfSubscription"]);
    for (const operation of capability) {
      expect(operation.auth.scopes).toEqual([]);
      const { method, path, body } = sampleRequest(operation);
      const anonymous = await call(api, method, path, undefined, body);
      const wrongKey = await call(api, method, path, "wrong-key", body);
      // This API has no webhook callback key: the operation itself answers, whatever key came.
      expectProblem(anonymous, 501, "WebhooksNotConfigured", `${operation.operationId} without a key`);
      expectProblem(wrongKey, 501, "WebhooksNotConfigured", `${operation.operationId} with a wrong key`);
    }
  });

  it("checks the key before validating, so an anonymous caller learns nothing about the input or the entities", async () => {
    for (const path of ["/entities/hidden/messages", "/entities/no-such-queue/messages", "/entities/orders/messages"]) {
      expectProblem(await call(api, "POST", path, undefined, { wrong: "shape" }), 401, "Unauthorized", path);
    }
  });

  it("authenticates before reading the body: without a key a malformed or a 3 MB body gets 401, with a key 400 and 413", async () => {
    const send = async (key: string | undefined, body: string) => {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (key !== undefined) headers["X-API-Key"] = key;
      const response = await fetch(`${api.baseUrl}/entities/orders/messages`, { method: "POST", headers, body });
      return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: (await response.json()) as Answer["body"] };
    };
    const malformed = '{"body": "unterminated';
    const large = JSON.stringify({ body: "x".repeat(3 * 1024 * 1024) });
    expectProblem(await send(undefined, malformed), 401, "Unauthorized", "malformed body without a key");
    expectProblem(await send("wrong-key", large), 401, "Unauthorized", "3 MB body with a wrong key");
    expectProblem(await send(undefined, large), 401, "Unauthorized", "3 MB body without a key");
    expectProblem(await send(KEYS.current, malformed), 400, "ValidationFailed", "malformed body with a key");
    expectProblem(await send(KEYS.current, large), 413, "MessageSizeExceeded", "3 MB body with a key");
  });

  it("stops accepting a key once it is removed from the configuration (revoked), while the other keys keep working", async () => {
    expect((await call(api, "GET", "/queues/orders/peek", KEYS.retired)).status).toBe(200);
    // Revoking = deploying the configuration without the key; the API reads keys at start.
    const rotated = await startCustomApi(emulator.connectionString, { apiKeys: ALL_KEYS.filter((each) => each.name !== "retired") });
    try {
      for (const operation of KEYED_OPERATIONS) {
        const { method, path, body } = sampleRequest(operation);
        expectProblem(await call(rotated, method, path, KEYS.retired, body), 401, "Unauthorized", `${operation.operationId} with the revoked key`);
      }
      expect((await call(rotated, "GET", "/queues/orders/peek", KEYS.current)).status).toBe(200);
    } finally {
      await rotated.close();
    }
  });

  it("answers 403 to a key that lacks an operation's scope, for every operation that needs one", async () => {
    const keyWithout = (scope: string): string | undefined => (scope === "send" ? KEYS.listenOnly : scope === "listen" ? KEYS.sendOnly : KEYS.ordersOnly);
    let checked = 0;
    for (const operation of OPERATIONS) {
      for (const scope of operation.auth.scopes) {
        const { method, path, body } = sampleRequest(operation);
        const answer = await call(api, method, path, keyWithout(scope), body);
        expectProblem(answer, 403, "Forbidden", `${operation.operationId} without scope ${scope}`);
        expect(answer.body.detail).toContain(scope);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("answers a key whose allow-list does not cover the entity exactly as for an entity that does not exist (404), for every entity operation", async () => {
    for (const operation of KEYED_OPERATIONS.filter((each) => each.auth.entity !== undefined && !each.auth.scopes.includes("manage"))) {
      // orders-only may use the queue `orders` and nothing else.
      const other = sampleRequest(operation, { entity: "events", queue: "short-lock", topic: "events", subscription: "audit" });
      const key = operation.auth.scopes.every((scope) => scope === "listen") && operation.auth.entity === "subscription" ? KEYS.billingOnly : KEYS.ordersOnly;
      const answer = await call(api, other.method, other.path, key, other.body);
      expectProblem(answer, 404, "MessagingEntityNotFound", `${operation.operationId} on another entity`);
      const missing = sampleRequest(operation, { entity: "no-such-entity", queue: "no-such-queue", topic: "no-such-topic", subscription: "audit" });
      const missingAnswer = await call(api, missing.method, missing.path, key, missing.body);
      const { requestId: _a, instance: _b, ...refused } = answer.body as Record<string, unknown>;
      const { requestId: _c, instance: _d, ...absent } = missingAnswer.body as Record<string, unknown>;
      expect(refused, `${operation.operationId}: not allowed and missing look alike`).toEqual(absent);
    }
    // The allowed entity passes the check.
    const allowed = await call(api, "GET", "/queues/orders/peek", KEYS.ordersOnly);
    expect(allowed.status).toBe(200);
    const billing = await call(api, "GET", "/topics/events/subscriptions/billing/peek", KEYS.billingOnly);
    expect(billing.status).toBe(200);
    expectProblem(await call(api, "GET", "/topics/events/subscriptions/audit/peek", KEYS.billingOnly), 404, "MessagingEntityNotFound", "billing key on audit");
  });
});
