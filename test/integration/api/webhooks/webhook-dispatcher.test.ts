/**
 * Webhook dispatchers on two "instances" (each its own client and gateway) over one emulator, sharing nothing but
 * the registry on the control queue: every subscription is served by both, each message pushed once, counts summed
 * in the registry, deletion and a gone flow stop every instance, and messages left in the entity stay there.
 */
import { randomBytes } from "node:crypto";
import { ServiceBusClient } from "@azure/service-bus";
import Long from "long";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedMessageJson } from "../../../../api/src/contract/schemas/message.js";
import { silentLogger } from "../../../../api/src/logger.js";
import { createServiceBusGateway } from "../../../../api/src/servicebus/service-bus-gateway.js";
import type { ServiceBusGateway } from "../../../../api/src/servicebus/service-bus-gateway.js";
import { CALLBACK_KEY_BYTES, CallbackSeal } from "../../../../api/src/webhooks/callback-seal.js";
import type { PushResult } from "../../../../api/src/webhooks/delivery-worker.js";
import { WebhookDispatcher } from "../../../../api/src/webhooks/webhook-dispatcher.js";
import { WebhookRegistry } from "../../../../api/src/webhooks/webhook-registry.js";
import type { RegistryChange, WebhookRecord } from "../../../../api/src/webhooks/webhook-registry.js";
import { startCallbackServer } from "../../../helpers/callback-server.js";
import type { CallbackServer } from "../../../helpers/callback-server.js";
import { queuesConfig, startEmulatorWithClient, testClientOptions } from "../../../helpers/emulator-fixture.js";
import { until } from "../../../helpers/until.js";

const CONTROL_QUEUE = "bridge-control";

describe("WebhookDispatcher on two instances", () => {
  let started: Awaited<ReturnType<typeof startEmulatorWithClient>>;
  const seal = new CallbackSeal(randomBytes(CALLBACK_KEY_BYTES));
  const pushed: Array<{ path: string; message: ReceivedMessageJson; by: number }> = [];
  let status = 200;
  let callback: CallbackServer;
  const instances: Array<{ gateway: ServiceBusGateway; dispatcher: WebhookDispatcher; registry: WebhookRegistry }> = [];

  beforeAll(async () => {
    started = await startEmulatorWithClient({
      config: queuesConfig({
        [CONTROL_QUEUE]: { RequiresSession: true, LockDuration: "PT5S" },
        orders: {},
        cases: { RequiresSession: true },
        audit: { MaxDeliveryCount: 10 },
      }),
    });
    callback = await startCallbackServer((request, response) => {
      pushed.push({ path: request.url, message: JSON.parse(request.body) as ReceivedMessageJson, by: Number(request.headers["x-by"]) });
      response.writeHead(status).end();
    });
    for (const index of [0, 1]) {
      const client = new ServiceBusClient(started.emulator.connectionString, testClientOptions);
      const gateway = createServiceBusGateway({ client, logger: silentLogger() });
      const registry = new WebhookRegistry(client, { queueName: CONTROL_QUEUE });
      const push = async (url: string, message: ReceivedMessageJson, signal: AbortSignal): Promise<PushResult> => {
        const response = await fetch(url, { method: "POST", body: JSON.stringify(message), headers: { "x-by": String(index) }, signal });
        await response.arrayBuffer();
        if (response.ok) return { outcome: "delivered", status: response.status };
        return { outcome: response.status === 410 ? "gone" : "retry", status: response.status };
      };
      const dispatcher = new WebhookDispatcher({
        registry,
        messaging: gateway,
        seal,
        push,
        prepare: (message, record) => ({ ...message, applicationProperties: { ...message.applicationProperties, webhook: record.id } }),
        logger: silentLogger(),
        pollIntervalInMs: 200,
        worker: { receiveWaitInMs: 1_000, firstBackoffInMs: 50, sessionIdleInMs: 500 },
      });
      dispatcher.start();
      instances.push({ gateway, dispatcher, registry });
    }
  });
  afterAll(async () => {
    for (const { dispatcher, gateway } of instances) {
      await dispatcher.stop();
      await gateway.close();
    }
    await callback?.close();
    await started?.close();
  });

  const subscribe = async (id: string, queue: string, maxConcurrentCalls = 2): Promise<void> => {
    const record: WebhookRecord = {
      id,
      source: { kind: "queue", queue },
      maxConcurrentCalls,
      sealedCallback: seal.seal(callback.url(`/flows/${id}`), id),
      createdBy: "test",
      createdAt: new Date().toISOString(),
      counts: { delivered: 0, failed: 0 },
    };
    await instances[0]?.registry.update((state) => ({ state: { subscriptions: { ...state.subscriptions, [id]: record } }, result: undefined }));
  };
  const unsubscribe = async (id: string): Promise<void> => {
    await instances[1]?.registry.update((state) => {
      const { [id]: _removed, ...rest } = state.subscriptions;
      return { state: { subscriptions: rest }, result: undefined };
    });
  };
  const send = (queue: string, count: number, sessionOf?: (index: number) => string) =>
    started.client.createSender(queue).sendMessages(
      Array.from({ length: count }, (_, index) => ({
        body: { index },
        contentType: "application/json",
        ...(sessionOf ? { sessionId: sessionOf(index) } : {}),
      })),
    );
  const peekAll = (queue: string) => started.client.createReceiver(queue).peekMessages(50, { fromSequenceNumber: Long.fromNumber(1) });
  const countsOf = async (id: string) => (await instances[0]?.registry.read())?.subscriptions[id]?.counts;

  it("pushes every message once, from both instances, and sums their counts in the registry", async () => {
    await subscribe("w-orders", "orders");
    await until(() => instances.every(({ dispatcher }) => dispatcher.runningCount >= 1));
    await send("orders", 30);
    await until(() => pushed.filter((each) => each.path === "/flows/w-orders").length >= 30);
    const mine = pushed.filter((each) => each.path === "/flows/w-orders");
    expect(new Set(mine.map((each) => (each.message.body as { index: number }).index)).size).toBe(30);
    expect(mine).toHaveLength(30);
    expect(mine[0]?.message.applicationProperties).toMatchObject({ webhook: "w-orders" });
    expect(new Set(mine.map((each) => each.by))).toEqual(new Set([0, 1]));
    await until(async () => (await countsOf("w-orders"))?.delivered === 30);
    expect(await countsOf("w-orders")).toMatchObject({ delivered: 30, failed: 0, lastDeliveryAt: expect.any(String) });
  });

  it("finds out that an entity has sessions and pushes each session in order", async () => {
    await subscribe("w-cases", "cases");
    await send("cases", 12, (index) => `case-${index % 3}`);
    await until(() => pushed.filter((each) => each.path === "/flows/w-cases").length >= 12);
    for (const session of ["case-0", "case-1", "case-2"]) {
      const order = pushed
        .filter((each) => each.path === "/flows/w-cases" && each.message.sessionId === session)
        .map((each) => (each.message.body as { index: number }).index);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(order).toHaveLength(4);
    }
  });

  it("stops on every instance once the subscription is deleted, and leaves new messages in the entity", async () => {
    await subscribe("w-audit", "audit");
    await until(() => instances.every(({ dispatcher }) => dispatcher.runningCount >= 3));
    await unsubscribe("w-audit");
    await until(() => instances.every(({ dispatcher }) => dispatcher.runningCount === 2), 10_000);
    const before = pushed.filter((each) => each.path === "/flows/w-audit").length;
    await send("audit", 3);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(pushed.filter((each) => each.path === "/flows/w-audit").length).toBe(before);
    expect(await peekAll("audit")).toHaveLength(3);
  });

  it("marks a subscription whose flow is gone (410) and stops it on every instance, leaving its messages", async () => {
    await unsubscribe("w-orders");
    await unsubscribe("w-cases");
    await until(() => instances.every(({ dispatcher }) => dispatcher.runningCount === 0), 10_000);
    status = 410;
    await subscribe("w-gone", "audit", 1);
    await until(async () => (await countsOf("w-gone"))?.goneAt !== undefined);
    await until(() => instances.every(({ dispatcher }) => dispatcher.runningCount === 0), 10_000);
    status = 200;
    // Each instance pushed once and stopped: a gone flow costs a message one delivery per instance, no more.
    const gonePushes = pushed.filter((each) => each.path === "/flows/w-gone");
    expect(gonePushes.length).toBeLessThanOrEqual(2);
    expect(await peekAll("audit")).toHaveLength(3);
  });
});

/**
 * The real registry on the emulator, except that the next `failingWrites` changes that write are computed and then
 * fail, as when Service Bus refuses setSessionState (busy, the session lock lost).
 */
class RegistryWithFailingWrites extends WebhookRegistry {
  failingWrites = 0;

  override async update<T>(change: RegistryChange<T>): Promise<T> {
    if (this.failingWrites === 0) return super.update(change);
    const outcome = await super.update((state) => {
      const { state: next, result } = change(state);
      return { result: { writes: next !== undefined, result } };
    });
    if (!outcome.writes) return outcome.result;
    this.failingWrites -= 1;
    throw new Error("The registry's state was not written.");
  }
}

describe("WebhookDispatcher when writing the registry fails", () => {
  it("keeps the counts of a failed write and adds them with the next one", async () => {
    const started = await startEmulatorWithClient({
      config: queuesConfig({ [CONTROL_QUEUE]: { RequiresSession: true, LockDuration: "PT5S" }, orders: {} }),
    });
    const server = await startCallbackServer((_request, response) => response.writeHead(200).end());
    const seal = new CallbackSeal(randomBytes(CALLBACK_KEY_BYTES));
    const client = new ServiceBusClient(started.emulator.connectionString, testClientOptions);
    const gateway = createServiceBusGateway({ client, logger: silentLogger() });
    const registry = new RegistryWithFailingWrites(client, { queueName: CONTROL_QUEUE });
    let pushes = 0;
    const dispatcher = new WebhookDispatcher({
      registry,
      messaging: gateway,
      seal,
      push: async (url, message, signal) => {
        const response = await fetch(url, { method: "POST", body: JSON.stringify(message), signal });
        await response.arrayBuffer();
        pushes += 1;
        return { outcome: "delivered", status: response.status };
      },
      prepare: (message) => message,
      logger: silentLogger(),
      pollIntervalInMs: 100,
      worker: { receiveWaitInMs: 1_000 },
    });
    try {
      const id = "w-counted";
      const url = server.url(`/flows/${id}`);
      const record: WebhookRecord = {
        id,
        source: { kind: "queue", queue: "orders" },
        maxConcurrentCalls: 1,
        sealedCallback: seal.seal(url, id),
        createdBy: "test",
        createdAt: new Date().toISOString(),
        counts: { delivered: 0, failed: 0 },
      };
      await registry.update((state) => ({ state: { subscriptions: { ...state.subscriptions, [id]: record } }, result: undefined }));
      dispatcher.start();
      await until(() => dispatcher.runningCount === 1);
      registry.failingWrites = 2;
      await started.client.createSender("orders").sendMessages(Array.from({ length: 5 }, (_, index) => ({ body: { index } })));
      await until(() => pushes === 5 && registry.failingWrites === 0);
      // Every delivery counted once, the failed writes' included.
      await until(async () => (await registry.read()).subscriptions[id]?.counts.delivered === 5);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await registry.read()).subscriptions[id]?.counts).toMatchObject({ delivered: 5, failed: 0 });
    } finally {
      await dispatcher.stop();
      await gateway.close();
      await server.close();
      await started.close();
    }
  }, 60_000);
});
