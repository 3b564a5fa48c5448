/**
 * Webhook subscriptions outlive the API process. The subscription is kept in Service Bus (the registry on the
 * control queue), so:
 * - after a SIGTERM and a start on the same DATA_DIR (demo mode: the embedded emulator and the demo callback key
 *   persist there), the flow still gets each message sent;
 * - when the API is killed (-9) while a callback holds a push unanswered, Service Bus keeps the message (its lock
 *   expires) and the API started again pushes it again: at least once, nothing lost.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";
import { killApiProcesses, startApiProcess, writeApiConfigFile } from "../helpers/api-process.js";
import type { ApiProcess } from "../helpers/api-process.js";
import { queuesConfig } from "../helpers/emulator-fixture.js";
import { temporaryDirectory } from "../helpers/emulator-process.js";
import { startCallbackServer } from "../helpers/callback-server.js";
import type { CallbackServer } from "../helpers/callback-server.js";
import { until } from "../helpers/until.js";

const KEY = "webhook-restart-test-key-3f9a27";
const QUEUE = "pushed";

async function call(api: ApiProcess, apiKey: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { "X-API-Key": apiKey, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

const peeked = async (api: ApiProcess, apiKey: string, queue: string): Promise<unknown[]> =>
  ((await call(api, apiKey, "GET", `/queues/${queue}/peek?maxMessages=10`)).body?.["messages"] as unknown[] | undefined) ?? [];

const pushedBodies = (server: CallbackServer, path: string): unknown[] =>
  server.received.filter((request) => request.url === path).map((request) => (JSON.parse(request.body) as { body?: unknown }).body);

describe("reliability: webhook subscriptions across API restarts", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await killApiProcesses();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("keeps a subscription over a SIGTERM and a start on the same DATA_DIR (demo mode): the next message is pushed", async () => {
    const callback = await startCallbackServer((_request, response) => response.writeHead(200).end());
    cleanups.push(() => callback.close());
    const dir = await temporaryDirectory("sb-webhook-restart-");
    cleanups.push(() => dir.remove());

    const first = await startApiProcess({ DATA_DIR: dir.path }, 60_000);
    const key = first.demoKey ?? "";
    const flow = "/flow-kept?sig=secret";
    const subscribed = await call(first, key, "POST", "/queues/orders/webhooks", { callbackUrl: callback.url(flow) });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    const path = new URL(subscribed.headers.get("location") ?? "").pathname;
    expect((await first.kill("SIGTERM")).code).toBe(0);

    const second = await startApiProcess({ DATA_DIR: dir.path }, 60_000);
    expect(second.demoKey).toBe(key);
    expect((await call(second, key, "GET", path)).body).toMatchObject({ entity: "orders" });
    expect((await call(second, key, "POST", "/entities/orders/messages", { body: { order: "after restart" } })).status).toBe(201);
    await until(() => pushedBodies(callback, flow).length > 0, 30_000, 100);
    expect(pushedBodies(callback, flow)).toEqual([{ order: "after restart" }]);
    await until(async () => (await peeked(second, key, "orders")).length === 0, 30_000, 100);
    await call(second, key, "DELETE", path);
  }, 150_000);

  describe("with Service Bus outliving the API", () => {
    /** An emulator in this process, a callback server that holds pushes while `holding`, and the API's environment. */
    async function outlivingServiceBus(name: string) {
      const emulator: Emulator = await createEmulator({
        config: queuesConfig({
          [QUEUE]: { LockDuration: "PT5S", MaxDeliveryCount: 10 },
          "bridge-control": { RequiresSession: true, LockDuration: "PT5S" },
        }),
      });
      cleanups.push(() => emulator.close());
      const held: ServerResponse[] = [];
      const control = { holding: true };
      const callback = await startCallbackServer((_request, response) => {
        if (control.holding) held.push(response);
        else response.writeHead(200).end();
      });
      cleanups.push(async () => {
        for (const response of held) response.destroy();
        await callback.close();
      });
      const dir = await temporaryDirectory(`sb-webhook-${name}-`);
      cleanups.push(() => dir.remove());
      const configFile = await writeApiConfigFile(dir.path, { queues: [QUEUE], topics: [] }, [{ name: "reliability", key: KEY, scopes: ["send", "listen"] }], {
        webhooks: { allowedCallbackHosts: ["127.0.0.1"], allowLoopbackHttp: true },
      });
      const env = {
        SERVICEBUS_CONNECTION_STRING: emulator.connectionString,
        CONFIG_FILE: configFile,
        DATA_DIR: dir.path,
        WEBHOOK_CALLBACK_KEY: randomBytes(32).toString("base64"),
      };
      return { callback, held, control, env };
    }

    /** Subscribes `flow`, sends one message and waits until its push is held by the callback. */
    async function pushInFlight(api: ApiProcess, callback: CallbackServer, held: ServerResponse[], flow: string): Promise<void> {
      const subscribed = await call(api, KEY, "POST", `/queues/${QUEUE}/webhooks`, { callbackUrl: callback.url(flow), maxConcurrentCalls: 1 });
      expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
      expect((await call(api, KEY, "POST", `/entities/${QUEUE}/messages`, { body: { order: "in flight" } })).status).toBe(201);
      await until(() => held.length === 1, 30_000, 100);
    }

    it("pushes a message again after the API is killed (-9) while the callback holds its push, and loses nothing", async () => {
      const { callback, held, control, env } = await outlivingServiceBus("kill");
      const first = await startApiProcess(env, 60_000);
      const flow = "/flow-killed?sig=secret";
      // The push is in flight, unanswered: then the API dies.
      await pushInFlight(first, callback, held, flow);
      expect((await first.kill("SIGKILL")).signal).toBe("SIGKILL");

      control.holding = false;
      const second = await startApiProcess(env, 60_000);
      // Its lock expires in Service Bus; the restarted API reads the registry, receives it again and pushes it.
      await until(() => pushedBodies(callback, flow).length === 2, 60_000, 100);
      expect(pushedBodies(callback, flow)).toEqual([{ order: "in flight" }, { order: "in flight" }]);
      const again = JSON.parse(callback.received.at(-1)?.body ?? "{}") as { deliveryCount?: number };
      expect(again.deliveryCount).toBe(2);
      // Accepted this time: completed, the queue is empty.
      await until(async () => (await peeked(second, KEY, QUEUE)).length === 0, 30_000, 100);
    }, 150_000);

    it("on SIGTERM, waits for the push in flight and completes the message the callback then accepts", async () => {
      const { callback, held, control, env } = await outlivingServiceBus("drain");
      const first = await startApiProcess(env, 60_000);
      const flow = "/flow-drained?sig=secret";
      await pushInFlight(first, callback, held, flow);
      first.child.kill("SIGTERM");
      // Still running while its push waits for an answer.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(first.child.exitCode).toBeNull();
      control.holding = false;
      held[0]?.writeHead(200).end();
      expect((await first.exited).code).toBe(0);

      // Completed before it exited: nothing comes back, to another instance or later.
      const second = await startApiProcess(env, 60_000);
      expect(await peeked(second, KEY, QUEUE)).toEqual([]);
      expect(pushedBodies(callback, flow)).toEqual([{ order: "in flight" }]);
    }, 150_000);
  });
});
