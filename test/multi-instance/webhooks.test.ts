/**
 * A webhook subscription across three API instances over one Service Bus: every instance reads it from the registry
 * (and competes for the queue's messages), every message is pushed at least once, duplicates are counted and
 * reported, and the registry's counts, summed over the instances, reach every push the callback accepted.
 */
import { randomBytes } from "node:crypto";
import { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLUSTER_ENTITIES, startApiCluster } from "../helpers/api-cluster.js";
import type { ApiCluster } from "../helpers/api-cluster.js";
import { testClientOptions } from "../helpers/emulator-fixture.js";
import { startCallbackServer } from "../helpers/callback-server.js";
import type { CallbackServer } from "../helpers/callback-server.js";
import { until } from "../helpers/until.js";

const MESSAGES = 60;
const FLOW = "/flow-cluster?sig=secret";

let cluster: ApiCluster;
let callback: CallbackServer;

beforeAll(async () => {
  callback = await startCallbackServer((_request, response) => response.writeHead(200).end());
  cluster = await startApiCluster({
    instances: 3,
    // Every instance must open the callback URLs the others sealed.
    env: { WEBHOOK_CALLBACK_KEY: randomBytes(32).toString("base64") },
    apiConfigSections: { webhooks: { allowedCallbackHosts: ["127.0.0.1"], allowLoopbackHttp: true } },
  });
}, 240_000);

afterAll(async () => {
  await cluster?.close();
  await callback?.close();
}, 60_000);

describe("a webhook subscription on three instances", () => {
  it("pushes every message at least once, counts duplicates, and sums every instance's deliveries in the state", async () => {
    const queue = CLUSTER_ENTITIES.queue;
    const subscribed = await cluster.request("POST", `/queues/${queue}/webhooks`, { body: { callbackUrl: callback.url(FLOW) } });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
    const location = new URL(subscribed.headers.get("location") ?? "");
    // Every instance reads the subscription, whichever one took the subscribe.
    for (const instance of cluster.instances) {
      expect((await cluster.request("GET", location.pathname, { instance: instance.index })).status).toBe(200);
    }

    const client = new ServiceBusClient(cluster.connectionString, testClientOptions);
    try {
      const sender = client.createSender(queue);
      await sender.sendMessages(Array.from({ length: MESSAGES }, (_, n) => ({ messageId: `webhook-${n}`, body: { n } })));
      await sender.close();
    } finally {
      await client.close();
    }

    const pushedIds = (): string[] =>
      callback.received.filter((request) => request.url === FLOW).map((request) => String((JSON.parse(request.body) as { messageId?: string }).messageId));
    await until(() => new Set(pushedIds()).size === MESSAGES, 90_000, 200);
    // Completed: the queue is empty.
    await until(
      async () => {
        const peek = await cluster.request("GET", `/queues/${queue}/peek?maxMessages=10`);
        return (peek.body as { messages: unknown[] }).messages.length === 0;
      },
      30_000,
      200,
    );

    const pushes = pushedIds();
    expect(new Set(pushes)).toEqual(new Set(Array.from({ length: MESSAGES }, (_, n) => `webhook-${n}`)));
    const duplicates = pushes.length - MESSAGES;
    console.log(`webhook 3 instances: ${MESSAGES} messages, ${duplicates} duplicates`);

    // Each instance adds its deliveries to the registry when it next reads it (every few seconds).
    await until(async () => ((await cluster.request("GET", location.pathname)).body as { delivered: number }).delivered === pushes.length, 30_000, 200);
    const state = (await cluster.request("GET", location.pathname)).body;
    expect(state).toMatchObject({ entity: queue, delivered: pushes.length, failed: 0 });
    expect(callback.received.length).toBe(pushes.length);

    expect((await cluster.request("DELETE", location.pathname)).status).toBe(204);
  }, 240_000);
});
