/**
 * Lock tokens are short-lived capabilities: whoever knows one can complete, dead-letter or renew the
 * message. The access log writes request paths, and settlement paths carry the token, so it is redacted
 * there (`/queues/orders/locks/{lockToken}/complete`), whatever the outcome and however the path is spelled.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";
import { apiTestEmulatorConfig } from "../helpers/api-fixture.js";
import { capturingLogger, startCustomApi } from "../helpers/custom-api.js";
import type { CustomApi } from "../helpers/custom-api.js";

const KEY = `lock-log-key-${randomUUID()}`;

describe("security: lock tokens are redacted in the access log", () => {
  let emulator: Emulator;
  let api: CustomApi;
  let logs: () => string;

  beforeAll(async () => {
    emulator = await createEmulator({ config: apiTestEmulatorConfig() });
    const captured = capturingLogger();
    logs = captured.text;
    api = await startCustomApi(emulator.connectionString, {
      apiKeys: [{ name: "lock-log", sha256: hashApiKey(KEY), scopes: ["send", "listen"], entities: ["*"] }],
      logger: captured.logger,
    });
  });
  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  const call = async (method: string, path: string, body?: unknown): Promise<number> => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { "X-API-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  it("logs settlement paths with {lockToken} in place of the token, for successes and failures", async () => {
    for (const queue of ["orders", "orders", "orders"]) expect(await call("POST", `/entities/${queue}/messages`, { body: "x" })).toBe(201);
    expect(await call("POST", "/entities/events/messages", { body: "y" })).toBe(201);
    const received = await fetch(`${api.baseUrl}/queues/orders/receive?maxMessages=3&maxWaitSeconds=3`, { method: "POST", headers: { "X-API-Key": KEY } });
    const tokens = ((await received.json()) as { messages: Array<{ lockToken: string }> }).messages.map((message) => message.lockToken);
    expect(tokens).toHaveLength(3);
    const [renewed = "", completed = "", deadLettered = ""] = tokens;
    expect(await call("POST", `/queues/orders/locks/${renewed}/renew`)).toBe(200);
    expect(await call("POST", `/QUEUES/orders/LOCKS/${renewed.toUpperCase()}/abandon/`)).toBe(204);
    expect(await call("POST", `/queues/orders/locks/${completed}/complete`)).toBe(204);
    expect(await call("POST", `/queues/orders/locks/${deadLettered}/dead-letter`, { deadLetterReason: "test" })).toBe(204);
    const subscription = await fetch(`${api.baseUrl}/topics/events/subscriptions/audit/receive?maxMessages=1&maxWaitSeconds=3`, {
      method: "POST",
      headers: { "X-API-Key": KEY },
    });
    const [subscriptionToken = ""] = ((await subscription.json()) as { messages: Array<{ lockToken: string }> }).messages.map((message) => message.lockToken);
    expect(await call("POST", `/topics/events/subscriptions/audit/locks/${subscriptionToken}/defer`)).toBe(204);
    // Settled already, or never issued: still redacted.
    const unknown = randomUUID();
    expect(await call("POST", `/queues/orders/locks/${completed}/complete`)).toBe(410);
    expect(await call("POST", `/queues/orders/locks/${unknown}/complete`)).toBe(410);

    const text = logs();
    for (const token of [...tokens, subscriptionToken, unknown]) {
      expect(text).not.toContain(token);
      expect(text.toLowerCase()).not.toContain(token.toLowerCase());
    }
    expect(text).toContain('"path":"/queues/orders/locks/{lockToken}/renew"');
    expect(text).toContain('"path":"/topics/events/subscriptions/audit/locks/{lockToken}/defer"');
    // Paths without a token stay as they were.
    expect(text).toContain('"path":"/queues/orders/receive"');
  });

  it("logs webhook subscription paths with {webhookId} in place of the id, which authorises deleting the subscription", async () => {
    const ids = ["AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde", "zyxwvutsrqponmlkjihgfedcba9876543210-_ZYXWV"];
    await call("GET", `/queues/orders/webhooks/${ids[0]}`);
    await call("DELETE", `/TOPICS/events/subscriptions/audit/WEBHOOKS/${ids[1]}/`);
    const text = logs();
    for (const id of ids) expect(text.toLowerCase()).not.toContain(id.toLowerCase());
    expect(text).toContain('"path":"/queues/orders/webhooks/{webhookId}"');
    expect(text).toContain('"path":"/TOPICS/events/subscriptions/audit/WEBHOOKS/{webhookId}/"');
  });
});
