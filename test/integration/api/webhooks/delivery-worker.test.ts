/**
 * The webhook delivery loops over the real gateway and emulator, pushing to a real HTTP callback server on loopback
 * (the push here is a plain fetch: the callback guard is tested on its own).
 */
import { ServiceBusClient } from "@azure/service-bus";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ReceivableEntity } from "../../../../api/src/contract/entity.js";
import type { ReceivedMessageJson } from "../../../../api/src/contract/schemas/message.js";
import { silentLogger } from "../../../../api/src/logger.js";
import { createServiceBusGateway } from "../../../../api/src/servicebus/service-bus-gateway.js";
import type { ServiceBusGateway } from "../../../../api/src/servicebus/service-bus-gateway.js";
import { DeliveryWorker } from "../../../../api/src/webhooks/delivery-worker.js";
import type { DeliveryWorkerOptions, PushResult } from "../../../../api/src/webhooks/delivery-worker.js";
import { startCallbackServer } from "../../../helpers/callback-server.js";
import { queuesConfig, startEmulatorWithClient, testClientOptions } from "../../../helpers/emulator-fixture.js";
import { until } from "../../../helpers/until.js";

type Answer = (message: ReceivedMessageJson) => Promise<{ status: number; retryAfter?: string }>;

/** A callback server: records each pushed message, and answers as `answer` says. */
async function startCallback(): Promise<{ url: string; received: ReceivedMessageJson[]; answer: { current: Answer }; close: () => Promise<void> }> {
  const received: ReceivedMessageJson[] = [];
  const answer: { current: Answer } = { current: async () => ({ status: 200 }) };
  const server = await startCallbackServer((request, response) => {
    const message = JSON.parse(request.body) as ReceivedMessageJson;
    received.push(message);
    void answer.current(message).then(({ status, retryAfter }) => {
      response.writeHead(status, retryAfter === undefined ? {} : { "Retry-After": retryAfter });
      response.end();
    });
  });
  return { url: server.url("/flow"), received, answer, close: () => server.close() };
}

/** A push by fetch, read as the callback client reads answers. */
const pushTo =
  (url: string) =>
  async (message: ReceivedMessageJson, signal: AbortSignal): Promise<PushResult> => {
    const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(message), signal });
    await response.arrayBuffer();
    if (response.ok) return { outcome: "delivered", status: response.status };
    if (response.status === 404 || response.status === 410) return { outcome: "gone", status: response.status };
    const retryAfter = response.headers.get("retry-after");
    return { outcome: "retry", status: response.status, ...(retryAfter ? { retryAfterInMs: Number(retryAfter) * 1000 } : {}) };
  };

describe("DeliveryWorker: webhook pushes through the messaging port", () => {
  let started: Awaited<ReturnType<typeof startEmulatorWithClient>>;
  let gateway: ServiceBusGateway;
  let callback: Awaited<ReturnType<typeof startCallback>>;
  let worker: DeliveryWorker | undefined;
  const counts = { delivered: 0, failed: 0, gone: 0 };

  beforeAll(async () => {
    started = await startEmulatorWithClient({
      config: queuesConfig({
        orders: { MaxDeliveryCount: 10 },
        "short-lock": { LockDuration: "PT5S", MaxDeliveryCount: 10 },
        cases: { RequiresSession: true, MaxDeliveryCount: 10 },
      }),
    });
    gateway = createServiceBusGateway({ client: new ServiceBusClient(started.emulator.connectionString, testClientOptions), logger: silentLogger() });
    callback = await startCallback();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    callback.received.length = 0;
    callback.answer.current = async () => ({ status: 200 });
    Object.assign(counts, { delivered: 0, failed: 0, gone: 0 });
  });
  afterAll(async () => {
    await callback?.close();
    await gateway?.close();
    await started?.close();
  });

  const startWorker = (queue: string, options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker => {
    const source: ReceivableEntity = { kind: "queue", queue, subQueue: "main" };
    worker = new DeliveryWorker({
      messaging: gateway,
      source,
      sessions: false,
      push: pushTo(callback.url),
      report: { delivered: () => (counts.delivered += 1), failed: () => (counts.failed += 1), gone: () => (counts.gone += 1) },
      logger: silentLogger(),
      maxConcurrentCalls: 2,
      receiveWaitInMs: 1_000,
      firstBackoffInMs: 50,
      ...options,
    });
    worker.start();
    return worker;
  };
  const send = (queue: string, body: unknown, sessionId?: string) =>
    started.client.createSender(queue).sendMessages({ body, contentType: "application/json", ...(sessionId === undefined ? {} : { sessionId }) });
  const peekAll = async (queue: string) => started.client.createReceiver(queue).peekMessages(50, { fromSequenceNumber: undefined as never });

  it("pushes each message as the triggers' message JSON and completes it when the callback answers 2xx", async () => {
    startWorker("orders");
    await send("orders", { order: 1 });
    await send("orders", { order: 2 });
    await until(() => counts.delivered === 2);
    expect(callback.received.map((message) => message.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { order: 1 },
      { order: 2 },
    ]);
    expect(callback.received[0]).toMatchObject({ bodyEncoding: "json", deliveryCount: 1 });
    expect(callback.received[0]?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    await worker?.stop();
    expect(await peekAll("orders")).toEqual([]);
  });

  it("abandons after a back-off when the callback fails, so the same message comes again: 3 attempts, 1 success", async () => {
    let calls = 0;
    callback.answer.current = async () => ({ status: ++calls <= 2 ? 500 : 200 });
    startWorker("orders", { maxConcurrentCalls: 1 });
    await send("orders", { order: "flaky" });
    await until(() => counts.delivered === 1);
    expect(callback.received.map((message) => [message.body, message.deliveryCount])).toEqual([
      [{ order: "flaky" }, 1],
      [{ order: "flaky" }, 2],
      [{ order: "flaky" }, 3],
    ]);
    expect(counts).toEqual({ delivered: 1, failed: 2, gone: 0 });
    await worker?.stop();
    expect(await peekAll("orders")).toEqual([]);
  });

  it("stops when the callback answers 410 (the flow is gone) and leaves the message in the queue", async () => {
    callback.answer.current = async () => ({ status: 410 });
    const stopping = startWorker("orders", { maxConcurrentCalls: 1 });
    await send("orders", { order: "orphan" });
    await until(() => counts.gone === 1);
    await until(() => stopping.stopped);
    await stopping.stop();
    const left = await peekAll("orders");
    expect(left.map((message) => message.body)).toEqual([{ order: "orphan" }]);
    // Leave the queue empty for the next test.
    const [message] = await started.client.createReceiver("orders").receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    if (message)
      await started.client
        .createReceiver("orders")
        .completeMessage(message)
        .catch(() => undefined);
  });

  it("drains for a shutdown: waits for the delivery in flight to be settled, not for a loop waiting in a receive", async () => {
    // Its own port, closed at the end as the server closes its port after draining (which ends waiting receives).
    const own = createServiceBusGateway({ client: new ServiceBusClient(started.emulator.connectionString, testClientOptions), logger: silentLogger() });
    let receivesWaiting = 0;
    const messaging = new Proxy(own, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== "receiveMessages" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          receivesWaiting += 1;
          try {
            return await (value as (...inner: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            receivesWaiting -= 1;
          }
        };
      },
    });
    let answer = (_status: number): void => undefined;
    callback.answer.current = () => new Promise((resolve) => (answer = (status) => resolve({ status })));
    // Two loops: one delivers, the other waits in a receive far longer than any test.
    const draining = startWorker("orders", { messaging, maxConcurrentCalls: 2, receiveWaitInMs: 600_000 });
    await send("orders", { order: "in flight at shutdown" });
    await until(() => callback.received.length === 1 && receivesWaiting === 1);

    let drained = false;
    const drain = draining.drain().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(drained).toBe(false);
    answer(200);
    await drain;
    // Settled before drain() resolved: delivered and completed; the other loop is still in its receive.
    expect(counts.delivered).toBe(1);
    expect(await peekAll("orders")).toEqual([]);
    expect(receivesWaiting).toBe(1);
    // Drained: as in a shutdown, the port is closed next and the worker is left to end.
    worker = undefined;
    await own.close();
  }, 30_000);

  it("renews the lock while a callback takes longer than the lock duration, so the message is pushed once", async () => {
    callback.answer.current = async () => {
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      return { status: 200 };
    };
    startWorker("short-lock", { maxConcurrentCalls: 2 });
    await send("short-lock", { slow: true });
    await until(() => counts.delivered === 1, 30_000);
    // Past another lock period: no second push of the same message.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect(callback.received).toHaveLength(1);
    await worker?.stop();
    expect(await peekAll("short-lock")).toEqual([]);
  }, 40_000);

  it("pushes a session's messages one at a time in sequence order, sessions in parallel", async () => {
    const inFlight = new Map<string, number>();
    let overlapped = false;
    callback.answer.current = async (message) => {
      const session = message.sessionId ?? "";
      inFlight.set(session, (inFlight.get(session) ?? 0) + 1);
      if ((inFlight.get(session) ?? 0) > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight.set(session, (inFlight.get(session) ?? 1) - 1);
      return { status: 200 };
    };
    for (let step = 1; step <= 5; step += 1) {
      await send("cases", { case: "a", step }, "case-a");
      await send("cases", { case: "b", step }, "case-b");
    }
    startWorker("cases", { sessions: true, maxConcurrentCalls: 2, sessionIdleInMs: 1_000 });
    await until(() => counts.delivered === 10);
    expect(overlapped).toBe(false);
    for (const session of ["case-a", "case-b"]) {
      const steps = callback.received.filter((message) => message.sessionId === session).map((message) => (message.body as { step: number }).step);
      expect(steps).toEqual([1, 2, 3, 4, 5]);
    }
  }, 40_000);
});
