/**
 * `node --import tsx scripts/bench/session-routing-http.ts [--calls N] [--rounds R] [--client-nodelay]`
 *
 * A session call through the HTTP API on the instance that holds the session, against the same call on another
 * instance, which forwards it to the holder through the control queue: p50/p99 side by side, in alternating
 * rounds. Two API instances (each its own ServiceBusClient, gateway and routed port, as `npm start` builds them)
 * run in this process over an emulator in a child process (this file, with --emulator). Workloads: read the
 * session's state (GET .../sessions/{id}/state), and complete a session message with its sessionId (one message
 * received per call beforehand, not timed). Prints a Markdown table; judges nothing.
 *
 * --client-nodelay sets TCP_NODELAY on the SDK's sockets in this process (see routing-latency.ts: the SDK leaves
 * Nagle's algorithm on, which adds ~40 ms delayed-ACK steps to its management requests over loopback).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { ServiceBusClient } from "@azure/service-bus";
import {
  DEMO_EVENT_CATALOG_DIR,
  createApiServer,
  createApp,
  createRoutedMessaging,
  createServiceBusGateway,
  hashApiKey,
  loadEventCatalog,
  silentLogger,
  HTTP_CALLER_CLIENT_OPTIONS,
} from "../../api/src/index.js";
import type { RoutedMessaging } from "../../api/src/index.js";
import { parseEmulatorConfig } from "../../emulator/src/index.js";
import { forkEmulator, serveEmulatorToParent, setNoDelayOnConnect } from "./lib/forked-emulator.js";
import { formatMs, percentile } from "./lib/stats.js";

const DATA_QUEUE = "cases";
const CONTROL_QUEUE = "bridge-control";
const API_KEY = "bench-session-routing-key";

async function runEmulatorChild(): Promise<void> {
  const queue = (name: string) => ({ Name: name, Properties: { RequiresSession: true, LockDuration: "PT1M" } });
  const config = parseEmulatorConfig({ UserConfig: { Namespaces: [{ Name: "sbemulatorns", Queues: [queue(DATA_QUEUE), queue(CONTROL_QUEUE)], Topics: [] }] } });
  await serveEmulatorToParent(config);
}

interface Instance {
  baseUrl: string;
  messaging: RoutedMessaging;
  server: Server;
}

async function startInstance(connectionString: string): Promise<Instance> {
  const logger = silentLogger();
  const client = new ServiceBusClient(connectionString, HTTP_CALLER_CLIENT_OPTIONS);
  const gateway = createServiceBusGateway({ client, logger });
  const messaging = createRoutedMessaging({ local: gateway, client, controlQueue: CONTROL_QUEUE, logger });
  if (!(await messaging.routingStarted())) throw new Error("routing did not start");
  const app = createApp({
    messaging,
    logger,
    apiKeys: [{ name: "bench", sha256: hashApiKey(API_KEY), scopes: ["send", "listen"], entities: ["*"] }],
    entities: { queues: [DATA_QUEUE], topics: [] },
    eventCatalog: loadEventCatalog(DEMO_EVENT_CATALOG_DIR),
  });
  const server = createApiServer(app, { logger });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, messaging, server };
}

async function call(instance: Instance, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${instance.baseUrl}${path}`, {
    method,
    headers: { "X-API-Key": API_KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text === "" ? undefined : JSON.parse(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { emulator: { type: "boolean" }, calls: { type: "string" }, rounds: { type: "string" }, "client-nodelay": { type: "boolean" } },
    strict: true,
  });
  if (values.emulator) return runEmulatorChild();
  if (values["client-nodelay"]) setNoDelayOnConnect();
  const callsPerRound = Number(values.calls ?? 100);
  const rounds = Number(values.rounds ?? 5);
  const emulator = await forkEmulator(import.meta.url);
  const [holder, other] = [await startInstance(emulator.connectionString), await startInstance(emulator.connectionString)];
  if (!holder || !other) throw new Error("instances did not start");
  const sessionId = "case-42";
  const sessionPath = `/queues/${DATA_QUEUE}`;
  // The holder takes the session (and serves its route) with its first receive.
  await call(holder, "POST", `${sessionPath}/receive?sessionId=${sessionId}&maxMessages=1&maxWaitSeconds=1`);
  await call(holder, "PUT", `${sessionPath}/sessions/${sessionId}/state`, { state: { step: 3, customer: "c-42" } });

  /** Receives one message on the holder (untimed), then times completing it on `on`. */
  const completeOn = (on: Instance) => async (): Promise<number> => {
    await call(holder, "POST", `/entities/${DATA_QUEUE}/messages`, { body: { n: 1 }, sessionId });
    const received = (await call(holder, "POST", `${sessionPath}/receive?sessionId=${sessionId}&maxMessages=1&maxWaitSeconds=5`)) as {
      messages: Array<{ lockToken: string }>;
    };
    const lockToken = received.messages[0]?.lockToken;
    if (!lockToken) throw new Error("no message received");
    const started = performance.now();
    await call(on, "POST", `${sessionPath}/locks/${lockToken}/complete?sessionId=${sessionId}`);
    return performance.now() - started;
  };
  const timedCall = (run: () => Promise<unknown>) => async (): Promise<number> => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const getState = (on: Instance) => timedCall(() => call(on, "GET", `${sessionPath}/sessions/${sessionId}/state`));
  const workloads: Array<{ name: string; run: () => Promise<number>; samples: number[] }> = [
    { name: "GET session state on the holder", run: getState(holder), samples: [] },
    { name: "GET session state on another instance (forwarded)", run: getState(other), samples: [] },
    { name: "complete a session message (with sessionId) on the holder", run: completeOn(holder), samples: [] },
    { name: "complete a session message (with sessionId) on another instance (forwarded)", run: completeOn(other), samples: [] },
  ];
  for (const workload of workloads) for (let index = 0; index < 20; index += 1) await workload.run();
  for (let round = 0; round < rounds; round += 1) {
    for (const workload of workloads) for (let index = 0; index < callsPerRound; index += 1) workload.samples.push(await workload.run());
  }
  console.log(`| HTTP call (${rounds} alternating rounds of ${callsPerRound} sequential calls each) | p50 ms | p99 ms |`);
  console.log("|---|---|---|");
  for (const { name, samples } of workloads) console.log(`| ${name} | ${formatMs(percentile(samples, 0.5))} | ${formatMs(percentile(samples, 0.99))} |`);
  for (const instance of [holder, other]) {
    await new Promise<void>((resolve) => instance.server.close(() => resolve()));
    await instance.messaging.close();
  }
  emulator.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
