/**
 * The webhook registry kept as session state on the control queue, through the real SDK and the emulator: what one
 * instance writes the others read, concurrent changes from several instances are all kept, and a state it cannot
 * read is never overwritten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceBusClient } from "@azure/service-bus";
import {
  REGISTRY_SESSION_ID,
  RegistryBusyError,
  RegistryFullError,
  RegistryStateError,
  WebhookRegistry,
} from "../../../../api/src/webhooks/webhook-registry.js";
import type { RegistryState, WebhookRecord } from "../../../../api/src/webhooks/webhook-registry.js";
import { queuesConfig, startEmulatorWithClient } from "../../../helpers/emulator-fixture.js";

const CONTROL_QUEUE = "bridge-control";

function record(id: string, extra: Partial<WebhookRecord> = {}): WebhookRecord {
  return {
    id,
    source: { kind: "queue", queue: "orders" },
    maxConcurrentCalls: 4,
    sealedCallback: "v1.sealed.url",
    createdBy: "flows",
    createdAt: "2026-12-06T12:00:00.000Z",
    counts: { delivered: 0, failed: 0 },
    ...extra,
  };
}

const adding =
  (entry: WebhookRecord) =>
  (state: RegistryState): { state: RegistryState; result: number } => ({
    state: { subscriptions: { ...state.subscriptions, [entry.id]: entry } },
    result: Object.keys(state.subscriptions).length + 1,
  });

describe("WebhookRegistry on the control queue", () => {
  let started: Awaited<ReturnType<typeof startEmulatorWithClient>>;
  let instances: ServiceBusClient[];

  beforeAll(async () => {
    started = await startEmulatorWithClient({ config: queuesConfig({ [CONTROL_QUEUE]: { RequiresSession: true, LockDuration: "PT5S" } }) });
    instances = [started.newClient(), started.newClient(), started.newClient()];
  });
  afterAll(async () => started?.close());

  const registryOf = (client: ServiceBusClient, options: { lockWaitInMs?: number } = {}) =>
    new WebhookRegistry(client, { queueName: CONTROL_QUEUE, ...options });

  /** Clears the state with the SDK itself (the registry refuses to overwrite a state it cannot read). */
  const clear = async () => {
    const raw = await started.client.acceptSession(CONTROL_QUEUE, REGISTRY_SESSION_ID);
    await raw.setSessionState(null);
    await raw.close();
  };

  it("starts empty; what one instance adds, another reads", async () => {
    await clear();
    const [first, second] = instances.map((client) => registryOf(client)) as [WebhookRegistry, WebhookRegistry];
    expect(await second.read()).toEqual({ subscriptions: {} });
    await first.update(adding(record("a")));
    expect(await second.read()).toEqual({ subscriptions: { a: record("a") } });
  });

  it("keeps every change when three instances change it at the same time", async () => {
    await clear();
    const ids = Array.from({ length: 12 }, (_, index) => `id-${index}`);
    await Promise.all(ids.map((id, index) => registryOf(instances[index % instances.length] as ServiceBusClient).update(adding(record(id)))));
    expect(Object.keys((await registryOf(started.client).read()).subscriptions).sort()).toEqual([...ids].sort());
  });

  it("never overwrites a state it cannot read", async () => {
    const raw = await started.client.acceptSession(CONTROL_QUEUE, REGISTRY_SESSION_ID);
    await raw.setSessionState(Buffer.from(JSON.stringify({ v: 99, subscriptions: { future: {} } }), "utf8"));
    await raw.close();
    const registry = registryOf(started.client);
    await expect(registry.update(adding(record("b")))).rejects.toBeInstanceOf(RegistryStateError);
    const check = await started.client.acceptSession(CONTROL_QUEUE, REGISTRY_SESSION_ID);
    // The SDK hands back JSON state parsed.
    expect(await check.getSessionState()).toEqual({ v: 99, subscriptions: { future: {} } });
    await check.close();
    await clear();
  });

  it("refuses a change that would make it too large, leaving it as it was", async () => {
    await clear();
    const registry = registryOf(started.client);
    await registry.update(adding(record("small")));
    await expect(registry.update(adding(record("huge", { sealedCallback: "x".repeat(200 * 1024) })))).rejects.toBeInstanceOf(RegistryFullError);
    expect(Object.keys((await registry.read()).subscriptions)).toEqual(["small"]);
  });

  it("gives up with RegistryBusyError when another receiver keeps its lock beyond the wait", async () => {
    const holder = await started.client.acceptSession(CONTROL_QUEUE, REGISTRY_SESSION_ID);
    try {
      await expect(registryOf(instances[0] as ServiceBusClient, { lockWaitInMs: 300 }).read()).rejects.toBeInstanceOf(RegistryBusyError);
    } finally {
      await holder.close();
    }
    expect(await registryOf(instances[0] as ServiceBusClient).read()).toBeDefined();
  });
});
