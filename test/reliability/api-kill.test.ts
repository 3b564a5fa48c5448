/**
 * Kill -9 of the API (the real server as a child process, `node --import tsx api/src/server.ts`, with
 * SERVICEBUS_CONNECTION_STRING and a CONFIG_FILE) while it holds peek-locks. Service Bus (the emulator,
 * in this process) keeps the messages: the locks expire and every message comes back with its delivery
 * count raised by one; and a restarted API can still settle tokens received before the crash, through
 * Service Bus's management path.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServiceBusClient } from "@azure/service-bus";
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";
import { killApiProcesses, startApiProcess, writeApiConfigFile } from "../helpers/api-process.js";
import type { ApiProcess } from "../helpers/api-process.js";
import { queuesConfig, testClientOptions } from "../helpers/emulator-fixture.js";
import { temporaryDirectory } from "../helpers/emulator-process.js";

const KEY = "reliability-test-key-5e0c1a";
const LOCKS_QUEUE = "locks";
const SETTLE_QUEUE = "settle-later";

interface Received {
  messageId: string;
  lockToken: string;
  deliveryCount: number;
  lockedUntilUtc: string;
}

async function receive(api: ApiProcess, queue: string, maxMessages: number): Promise<Received[]> {
  const response = await fetch(`${api.baseUrl}/queues/${queue}/receive?maxMessages=${maxMessages}&maxWaitSeconds=2`, {
    method: "POST",
    headers: { "X-API-Key": KEY },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: Received[] }).messages;
}

/** Receives through the API until `count` messages came or `timeoutMs` passed. */
async function receiveUntil(api: ApiProcess, queue: string, count: number, timeoutMs = 20_000): Promise<Received[]> {
  const received: Received[] = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length < count && Date.now() < deadline) received.push(...(await receive(api, queue, Math.min(100, count - received.length))));
  return received;
}

describe("reliability: API killed (-9) while it holds peek-locks", () => {
  let emulator: Emulator;
  let dir: { path: string; remove: () => Promise<void> };
  let env: Record<string, string>;

  beforeEach(async () => {
    emulator = await createEmulator({
      config: queuesConfig({ [LOCKS_QUEUE]: { LockDuration: "PT5S", MaxDeliveryCount: 10 }, [SETTLE_QUEUE]: { LockDuration: "PT1M", MaxDeliveryCount: 10 } }),
    });
    dir = await temporaryDirectory("sb-api-kill-");
    const configFile = await writeApiConfigFile(dir.path, { queues: [LOCKS_QUEUE, SETTLE_QUEUE], topics: [] }, [
      { name: "reliability", key: KEY, scopes: ["send", "listen"] },
    ]);
    env = { SERVICEBUS_CONNECTION_STRING: emulator.connectionString, CONFIG_FILE: configFile, DATA_DIR: dir.path };
  });
  afterEach(async () => {
    await killApiProcesses();
    await emulator.close();
    await dir.remove();
  });

  async function sendDirect(queue: string, ids: string[]): Promise<void> {
    const client = new ServiceBusClient(emulator.connectionString, testClientOptions);
    try {
      await client.createSender(queue).sendMessages(ids.map((messageId) => ({ messageId, body: { messageId } })));
    } finally {
      await client.close();
    }
  }

  it("gets all 100 locked messages back after lock expiry with deliveryCount 2, and loses none of the others", async () => {
    const ids = Array.from({ length: 130 }, (_, index) => `lock-${index}`);
    await sendDirect(LOCKS_QUEUE, ids);
    const first = await startApiProcess(env);
    const locked = await receiveUntil(first, LOCKS_QUEUE, 100);
    expect(locked).toHaveLength(100);
    expect(new Set(locked.map((each) => each.lockToken)).size).toBe(100);
    expect(locked.every((each) => each.deliveryCount === 1)).toBe(true);

    const exit = await first.kill("SIGKILL");
    expect(exit.signal).toBe("SIGKILL");
    const lockExpiry = Math.max(...locked.map((each) => Date.parse(each.lockedUntilUtc)));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lockExpiry - Date.now()) + 500));

    const second = await startApiProcess(env);
    const all = await receiveUntil(second, LOCKS_QUEUE, 130);
    const byId = new Map(all.map((each) => [each.messageId, each]));
    expect(all).toHaveLength(130);
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    const lockedIds = new Set(locked.map((each) => each.messageId));
    const wrongCounts = all.filter((each) => each.deliveryCount !== (lockedIds.has(each.messageId) ? 2 : 1));
    expect(wrongCounts.map((each) => `${each.messageId}: deliveryCount ${each.deliveryCount}`)).toEqual([]);
    for (const each of all) {
      const completed = await fetch(`${second.baseUrl}/queues/${LOCKS_QUEUE}/locks/${each.lockToken}/complete`, {
        method: "POST",
        headers: { "X-API-Key": KEY },
      });
      expect(completed.status).toBe(204);
    }
    expect(await receive(second, LOCKS_QUEUE, 10)).toEqual([]);
  }, 90_000);

  it("settles, after a restart, lock tokens received before the crash (management path)", async () => {
    const ids = Array.from({ length: 10 }, (_, index) => `settle-${index}`);
    await sendDirect(SETTLE_QUEUE, ids);
    const first = await startApiProcess(env);
    const locked = await receiveUntil(first, SETTLE_QUEUE, 10);
    expect(locked).toHaveLength(10);
    await first.kill("SIGKILL");

    const second = await startApiProcess(env);
    for (const [index, each] of locked.entries()) {
      const action = index % 2 === 0 ? "complete" : "dead-letter";
      const response = await fetch(`${second.baseUrl}/queues/${SETTLE_QUEUE}/locks/${each.lockToken}/${action}`, {
        method: "POST",
        headers: { "X-API-Key": KEY, "Content-Type": "application/json" },
        body: JSON.stringify(action === "dead-letter" ? { deadLetterReason: "after restart" } : {}),
      });
      expect(response.status, `${action} ${each.messageId}: ${await response.text()}`).toBe(204);
    }
    // Settled for good: nothing left in the queue; the dead-lettered half is in the dead-letter queue.
    expect(await receive(second, SETTLE_QUEUE, 10)).toEqual([]);
    const peeked = await fetch(`${second.baseUrl}/queues/${SETTLE_QUEUE}/peek?subQueue=deadLetter&maxMessages=20`, { headers: { "X-API-Key": KEY } });
    const deadLettered = ((await peeked.json()) as { messages: Array<{ messageId: string; deadLetterReason?: string }> }).messages;
    expect(deadLettered.map((each) => each.messageId).sort()).toEqual(
      locked
        .filter((_, index) => index % 2 === 1)
        .map((each) => each.messageId)
        .sort(),
    );
    expect(deadLettered.every((each) => each.deadLetterReason === "after restart")).toBe(true);
  }, 60_000);
});
