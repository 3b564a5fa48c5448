/**
 * The demo key of `npm start` (embedded emulator): a full-access key, made only when the configuration
 * defines no keys. With configured keys it would bypass every scope they set (with HOST=0.0.0.0, to anyone
 * on the network), so then none is made, printed or stored. The start banner describes the demo entities
 * from their one definition.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTROL_QUEUE_NAME, describeEntities, demoEmulatorConfig } from "../../emulator/src/index.js";
import { killApiProcesses, startApiProcess, writeApiConfigFile } from "../helpers/api-process.js";
import { temporaryDirectory } from "../helpers/emulator-process.js";

const SCOPED_KEY = "demo-test-scoped-key-91c2";

describe("security: the demo key of the embedded-emulator mode", () => {
  let dir: { path: string; remove: () => Promise<void> };

  beforeEach(async () => {
    dir = await temporaryDirectory("sb-demo-key-");
  });
  afterEach(async () => {
    await killApiProcesses();
    await dir.remove();
  });

  it("makes no demo key when the configuration file defines keys", async () => {
    const configFile = await writeApiConfigFile(dir.path, { queues: ["orders"], topics: [] }, [
      { name: "orders-sender", key: SCOPED_KEY, scopes: ["send"], entities: ["orders"] },
    ]);
    const api = await startApiProcess({ CONFIG_FILE: configFile, DATA_DIR: dir.path });
    expect(api.demoKey, api.stdout()).toBeUndefined();
    expect(api.stdout()).not.toMatch(/API key/i);
    expect(existsSync(path.join(dir.path, "demo-api-key"))).toBe(false);
    // The configured key works, within its scopes only.
    const sent = await fetch(`${api.baseUrl}/entities/orders/messages`, {
      method: "POST",
      headers: { "X-API-Key": SCOPED_KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ body: "hello" }),
    });
    expect(sent.status).toBe(201);
    const managed = await fetch(`${api.baseUrl}/topics/order-events/subscriptions/x`, { method: "DELETE", headers: { "X-API-Key": SCOPED_KEY } });
    expect(managed.status).toBe(403);
  }, 60_000);

  it("makes, prints and keeps a demo key when no keys are configured, and describes the demo entities from their definition", async () => {
    const api = await startApiProcess({ DATA_DIR: dir.path });
    expect(api.demoKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(existsSync(path.join(dir.path, "demo-api-key"))).toBe(true);
    const listed = await fetch(`${api.baseUrl}/queues`, { headers: { "X-API-Key": api.demoKey ?? "" } });
    expect(listed.status).toBe(200);

    const emulatorConfig = demoEmulatorConfig();
    // The control queue carries the API's own traffic: it exists in the emulator but is not an exposed entity.
    const config = { ...emulatorConfig, queues: emulatorConfig.queues.filter((queue) => queue.name !== CONTROL_QUEUE_NAME) };
    expect(config.queues.length).toBe(emulatorConfig.queues.length - 1);
    const lines = api.stdout().split("\n");
    const entityLine = lines.find((line) => line.startsWith("Entities: "));
    expect(entityLine).toBe(`Entities: ${describeEntities(config)}`);
    expect(lines.find((line) => line.startsWith("Control queue: "))).toMatch(/^Control queue: bridge-control \(/);
    const names = [
      ...config.queues.map((queue) => queue.name),
      ...config.topics.flatMap((topic) => [topic.name, ...topic.subscriptions.map((each) => each.name)]),
    ];
    for (const name of names) expect(entityLine).toContain(name);
    expect(entityLine).toContain("billing (eventType = OrderSubmitted)");
    const queueNames = ((await listed.json()) as { value: Array<{ name: string }> }).value.map((queue) => queue.name);
    expect(queueNames).toEqual(config.queues.map((queue) => queue.name));
  }, 60_000);
});
