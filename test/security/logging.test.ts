/**
 * Keys and message bodies never reach the logs. The API (and its Service Bus gateway) log through a
 * pino logger at `trace` that writes into memory; the test sends, receives, settles, fails validation,
 * exceeds the body limit and presents wrong keys, all carrying unique markers, then searches every log
 * line for the markers.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";
import { apiTestEmulatorConfig } from "../helpers/api-fixture.js";
import { capturingLogger, startCustomApi } from "../helpers/custom-api.js";
import type { CustomApi } from "../helpers/custom-api.js";

const KEY = `log-test-key-${randomUUID()}`;
const WRONG_KEY = `log-test-wrong-key-${randomUUID()}`;
const BODY_MARKER = `body-marker-${randomUUID()}`;

describe("security: keys and message bodies are absent from the logs", () => {
  let emulator: Emulator;
  let api: CustomApi;
  let logs: () => string;

  beforeAll(async () => {
    emulator = await createEmulator({ config: apiTestEmulatorConfig() });
    const captured = capturingLogger();
    logs = captured.text;
    api = await startCustomApi(emulator.connectionString, {
      apiKeys: [{ name: "log-test", sha256: hashApiKey(KEY), scopes: ["send", "listen", "manage"], entities: ["*"] }],
      logger: captured.logger,
      jsonBodyLimitInBytes: 16 * 1024,
    });
  });
  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  async function call(
    method: string,
    path: string,
    options: { key?: string; body?: string; contentType?: string } = {},
  ): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { "X-API-Key": options.key ?? KEY };
    if (options.body !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
    const response = await fetch(`${api.baseUrl}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  it("logs requests by key name and status, without the key, the wrong keys or any body content", async () => {
    const message = {
      body: { secret: BODY_MARKER, nested: { again: BODY_MARKER } },
      contentType: "application/json",
      applicationProperties: { kind: "log-test" },
    };
    expect((await call("POST", "/entities/orders/messages", { body: JSON.stringify(message) })).status).toBe(201);
    expect((await call("POST", "/entities/orders/messages", { body: JSON.stringify({ body: `text ${BODY_MARKER}`, contentType: "text/plain" }) })).status).toBe(
      201,
    );
    expect((await call("POST", "/entities/events/messages/batch", { body: JSON.stringify({ messages: [message, message] }) })).status).toBe(201);

    // Received bodies go back to the caller, not to the log.
    const received = await call("POST", "/queues/orders/receive?maxMessages=10&maxWaitSeconds=2");
    expect(received.status).toBe(200);
    const messages = (received.json as { messages: Array<{ lockToken: string }> }).messages;
    expect(JSON.stringify(received.json)).toContain(BODY_MARKER);
    expect(messages.length).toBeGreaterThan(0);
    for (const each of messages) expect((await call("POST", `/queues/orders/locks/${each.lockToken}/complete`)).status).toBe(204);
    expect((await call("GET", "/topics/events/subscriptions/audit/peek?maxMessages=10")).status).toBe(200);

    // Failures: validation (body echoed nowhere), malformed JSON, over the limit, unknown entity, lost lock, wrong keys.
    expect((await call("POST", "/entities/orders/messages", { body: JSON.stringify({ body: BODY_MARKER, [BODY_MARKER]: BODY_MARKER }) })).status).toBe(400);
    expect((await call("POST", "/entities/orders/messages", { body: `{"body": "${BODY_MARKER}", oops` })).status).toBe(400);
    expect((await call("POST", "/entities/orders/messages", { body: JSON.stringify({ body: `${BODY_MARKER}${"z".repeat(20_000)}` }) })).status).toBe(413);
    expect((await call("POST", "/entities/hidden/messages", { body: JSON.stringify(message) })).status).toBe(404);
    expect(
      (await call("POST", `/queues/orders/locks/${randomUUID()}/abandon`, { body: JSON.stringify({ propertiesToModify: { note: BODY_MARKER } }) })).status,
    ).toBe(410);
    expect((await call("PUT", "/queues/orders/sessions/s-1/state", { body: JSON.stringify({ state: BODY_MARKER }) })).status).toBeGreaterThanOrEqual(400);
    expect((await call("GET", "/queues/orders/peek", { key: WRONG_KEY })).status).toBe(401);
    expect((await call("POST", "/entities/orders/messages", { key: WRONG_KEY, body: JSON.stringify(message) })).status).toBe(401);

    // pino writes synchronously to the capturing stream, but the "request" line is written on "finish".
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = logs();
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // The capture works: every request above left a line with its status and the key's name.
    const requests = lines.filter((line) => line["msg"] === "request");
    expect(requests.length).toBeGreaterThanOrEqual(14);
    expect(requests.filter((line) => line["apiKeyName"] === "log-test").length).toBeGreaterThanOrEqual(10);
    expect(requests.map((line) => line["status"])).toEqual(expect.arrayContaining([201, 200, 204, 400, 401, 404, 410, 413]));

    expect(text).not.toContain(KEY);
    expect(text).not.toContain(WRONG_KEY);
    expect(text).not.toContain(hashApiKey(KEY));
    expect(text).not.toContain(BODY_MARKER);
    expect(text).not.toContain(emulator.connectionString.split("SharedAccessKey=")[1]?.split(";")[0] ?? "never-matches");
  });
});
