/**
 * Service Bus goes away and comes back while the API has receivers attached: /readyz reports the outage, and
 * once the emulator is back on the same port the API's cached senders and receivers work again without a
 * restart of the API (the SDK reconnects).
 */
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiInstance } from "../helpers/api-fixture.js";
import type { ApiInstance } from "../helpers/api-fixture.js";
import { killEmulatorProcesses, startEmulatorProcess, temporaryDirectory, writeQueuesConfigFile } from "../helpers/emulator-process.js";

const QUEUE = "orders";
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(250);
  }
  return false;
}

describe("reliability: Service Bus restarts while the API has receivers attached", () => {
  let dir: { path: string; remove: () => Promise<void> };
  let api: ApiInstance | undefined;

  beforeEach(async () => {
    dir = await temporaryDirectory("sb-restart-");
  });
  afterEach(async () => {
    await killEmulatorProcesses();
    await api?.close();
    await dir.remove();
  });

  it("reports the outage on /readyz and recovers its links without a restart", async () => {
    const dataDir = path.join(dir.path, "data");
    const configPath = await writeQueuesConfigFile(dir.path, { [QUEUE]: {} });
    const args = (port: number): string[] => [
      "--port",
      String(port),
      "--admin-port",
      "0",
      "--data-dir",
      dataDir,
      "--config",
      configPath,
      "--log-level",
      "warn",
    ];
    const first = await startEmulatorProcess(args(0));
    api = await startApiInstance(first.connectionString, { entities: { queues: [QUEUE], topics: [] } });
    const instance = api;
    const ready = async (): Promise<number> => (await fetch(`${instance.baseUrl}/readyz`, { signal: AbortSignal.timeout(20_000) })).status;

    // Attach a sender and a receiver through the API.
    expect((await instance.request("POST", `/entities/${QUEUE}/messages`, { body: { body: "before" } })).status).toBe(201);
    const before = await instance.request("POST", `/queues/${QUEUE}/receive?maxMessages=1&maxWaitSeconds=3&receiveMode=receiveAndDelete`);
    expect((before.body as { messages: Array<{ body: unknown }> }).messages.map((message) => message.body)).toEqual(["before"]);
    expect(await ready()).toBe(200);

    await first.kill("SIGKILL");
    expect(await waitFor(async () => (await ready()) === 503, 30_000)).toBe(true);

    await startEmulatorProcess(args(first.port));
    expect(await waitFor(async () => (await ready()) === 200, 60_000)).toBe(true);

    // The same API instance sends and receives again on its cached links, reconnected by the SDK.
    let sent = 0;
    const recovered = await waitFor(async () => {
      const response = await instance.request("POST", `/entities/${QUEUE}/messages`, { body: { body: "after" } });
      if (response.status === 201) sent += 1;
      return response.status === 201;
    }, 60_000);
    expect(recovered).toBe(true);
    const after = await instance.request("POST", `/queues/${QUEUE}/receive?maxMessages=5&maxWaitSeconds=5&receiveMode=receiveAndDelete`);
    expect(after.status).toBe(200);
    expect((after.body as { messages: Array<{ body: unknown }> }).messages.map((message) => message.body)).toEqual(Array.from({ length: sent }, () => "after"));
  }, 180_000);
});
