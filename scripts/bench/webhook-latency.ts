/**
 * `node --import tsx scripts/bench/webhook-latency.ts [--samples N] [--messages N] [--poll-seconds S] [--client-nodelay]`
 *
 * Webhook triggers against the polling trigger, measured the same way: the time from sending a message through
 * the API to the flow seeing it. The API runs in this process, put together as `npm start` does in the demo (a
 * ServiceBusClient, the gateway, routed messaging on the control queue, and webhooks with a callback key and a
 * policy that lets callbacks go to loopback over http), over an emulator in a child process (this file, with
 * --emulator). The "flow" is an HTTP server on 127.0.0.1 that answers 202 at once (or after a fixed delay).
 *
 * - Push latency: --samples messages (default 300, after 20 for warm-up) sent one at a time (each body carries
 *   its send time), the next one when the callback has seen the last; p50/p99 of send -> callback.
 * - Push throughput: a queue filled beforehand with --messages messages (default 1000; at most 200 for
 *   concurrency 1 with the slow callback), then one subscription at maxConcurrentCalls 1 and 16; messages per
 *   second from the first push to the last, for a callback that answers at once and one that answers after 50 ms,
 *   with the CPU share of this process and of the emulator over the same interval.
 * - Polling: a poller that behaves like Power Automate on the peek-lock polling trigger (GET the trigger; on 202
 *   wait Retry-After seconds, then GET the Location; on 200 complete each message, then wait Retry-After and GET
 *   the Location), while messages are sent at random moments (1-3 s apart) for --poll-seconds (default 240);
 *   p50/p99 of send -> message seen by the poller. The API's own Retry-After (30 s while idle) is used as it is.
 *
 * Prints Markdown tables; judges nothing.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
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
  CallbackSeal,
  WebhookDispatcher,
  WebhookRegistry,
  WebhookSubscriptions,
  callbackUrlCheck,
  flaggedIfUnexpected,
  guardedPush,
  withTypedEvent,
  HTTP_CALLER_CLIENT_OPTIONS,
} from "../../api/src/index.js";
import type { RoutedMessaging } from "../../api/src/index.js";
import { parseEmulatorConfig } from "../../emulator/src/index.js";
import { forkEmulator, serveEmulatorToParent, setNoDelayOnConnect } from "./lib/forked-emulator.js";
import type { ForkedEmulator } from "./lib/forked-emulator.js";
import { describeMachine, loadAverageNow } from "./lib/machine.js";
import { formatMs, percentile } from "./lib/stats.js";

const CONTROL_QUEUE = "bridge-control";
const LATENCY_QUEUE = "push-latency";
const POLLING_QUEUE = "poll-latency";
const THROUGHPUT_RUNS = [
  { queue: "push-c1", maxConcurrentCalls: 1, callbackDelayInMs: 0 },
  { queue: "push-c16", maxConcurrentCalls: 16, callbackDelayInMs: 0 },
  { queue: "push-c1-slow", maxConcurrentCalls: 1, callbackDelayInMs: 50 },
  { queue: "push-c16-slow", maxConcurrentCalls: 16, callbackDelayInMs: 50 },
] as const;
const API_KEY = "bench-webhook-latency-key";

async function runEmulatorChild(): Promise<void> {
  const dataQueues = [LATENCY_QUEUE, POLLING_QUEUE, ...THROUGHPUT_RUNS.map((run) => run.queue)];
  const config = parseEmulatorConfig({
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: [
            ...dataQueues.map((name) => ({ Name: name, Properties: { LockDuration: "PT1M" } })),
            { Name: CONTROL_QUEUE, Properties: { RequiresSession: true, LockDuration: "PT1M" } },
          ],
          Topics: [],
        },
      ],
    },
  });
  await serveEmulatorToParent(config);
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime + stime of a process from /proc/<pid>/stat, in ms. */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

interface Api {
  baseUrl: string;
  client: ServiceBusClient;
  messaging: RoutedMessaging;
  dispatcher: WebhookDispatcher;
  server: Server;
}

/** The API as server.ts builds it for the embedded-emulator demo, with webhooks on and loopback callbacks allowed. */
async function startApi(connectionString: string): Promise<Api> {
  const logger = silentLogger();
  const client = new ServiceBusClient(connectionString, HTTP_CALLER_CLIENT_OPTIONS);
  const gateway = createServiceBusGateway({ client, logger });
  const messaging = createRoutedMessaging({ local: gateway, client, controlQueue: CONTROL_QUEUE, logger });
  if (!(await messaging.routingStarted())) throw new Error("routing did not start");
  const eventCatalog = loadEventCatalog(DEMO_EVENT_CATALOG_DIR);
  const policy = { allowedHosts: ["127.0.0.1"], allowLoopbackHttp: true };
  const registry = new WebhookRegistry(client, { queueName: CONTROL_QUEUE });
  const seal = new CallbackSeal(randomBytes(32));
  const dispatcher = new WebhookDispatcher({
    registry,
    messaging,
    seal,
    push: guardedPush(policy),
    prepare: (message, record) =>
      flaggedIfUnexpected(withTypedEvent(eventCatalog, message), record.eventType === undefined ? undefined : eventCatalog.find(record.eventType)),
    logger,
  });
  const subscriptions = new WebhookSubscriptions({ registry, seal, checkCallbackUrl: callbackUrlCheck(policy), dispatcher });
  dispatcher.start();
  const queues = [LATENCY_QUEUE, POLLING_QUEUE, ...THROUGHPUT_RUNS.map((run) => run.queue)];
  const app = createApp({
    messaging,
    logger,
    apiKeys: [{ name: "bench", sha256: hashApiKey(API_KEY), scopes: ["send", "listen"], entities: ["*"] }],
    entities: { queues, topics: [] },
    eventCatalog,
    webhooks: subscriptions,
  });
  const server = createApiServer(app, { logger });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, client, messaging, dispatcher, server };
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(api: Api, method: string, pathOrUrl: string, body?: unknown): Promise<Answer> {
  const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${api.baseUrl}${pathOrUrl}`;
  const response = await fetch(url, {
    method,
    headers: { "X-API-Key": API_KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** Sends one message whose body carries its send time (performance.now() of this process). */
async function sendStamped(api: Api, queue: string, sequence: number): Promise<void> {
  await call(api, "POST", `/entities/${queue}/messages`, { body: { sequence, sentAt: performance.now() } });
}

interface PushedMessage {
  body?: { sequence?: number; sentAt?: number };
  messageId?: string;
}

/** The flow's side of webhooks: an HTTP server that records each push and answers 202 (after a delay if set). */
class CallbackServer {
  readonly server: Server;
  delayInMs = 0;
  private listener: ((message: PushedMessage, seenAt: number) => void) | undefined;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const seenAt = performance.now();
        this.listener?.(JSON.parse(Buffer.concat(chunks).toString("utf8")) as PushedMessage, seenAt);
        if (this.delayInMs === 0) response.writeHead(202).end();
        else setTimeout(() => response.writeHead(202).end(), this.delayInMs);
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  onPush(listener: ((message: PushedMessage, seenAt: number) => void) | undefined): void {
    this.listener = listener;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

async function subscribe(api: Api, queue: string, callbackUrl: string, maxConcurrentCalls: number): Promise<string> {
  const answer = await call(api, "POST", `/queues/${queue}/webhooks`, { callbackUrl, maxConcurrentCalls });
  const location = answer.headers.get("location");
  if (answer.status !== 201 || !location) throw new Error(`subscribe answered ${answer.status} without Location`);
  return location;
}

async function unsubscribe(api: Api, location: string): Promise<void> {
  await call(api, "DELETE", location);
}

interface LatencyResult {
  samples: number[];
}

async function measurePushLatency(api: Api, callback: CallbackServer, callbackBase: string, samples: number, warmUp: number): Promise<LatencyResult> {
  const location = await subscribe(api, LATENCY_QUEUE, `${callbackBase}/latency?sig=bench`, 1);
  const latencies: number[] = [];
  let seen: ((message: PushedMessage, seenAt: number) => void) | undefined;
  callback.onPush((message, seenAt) => seen?.(message, seenAt));
  for (let index = 0; index < warmUp + samples; index += 1) {
    const pushed = new Promise<number>((resolve) => {
      seen = (message, seenAt) => {
        if (message.body?.sequence === index && message.body.sentAt !== undefined) resolve(seenAt - message.body.sentAt);
      };
    });
    await sendStamped(api, LATENCY_QUEUE, index);
    const latency = await Promise.race([pushed, sleep(30_000).then(() => Number.NaN)]);
    if (Number.isNaN(latency)) throw new Error(`message ${index} was not pushed within 30 s`);
    if (index >= warmUp) latencies.push(latency);
  }
  callback.onPush(undefined);
  await unsubscribe(api, location);
  return { samples: latencies };
}

interface ThroughputResult {
  maxConcurrentCalls: number;
  callbackDelayInMs: number;
  messages: number;
  pushes: number;
  seconds: number;
  /** From the first push to the last, CPU time as a share of one core: this process (API, SDK, callback server) and the emulator's. */
  apiCpuShare: number;
  emulatorCpuShare: number;
}

async function measureThroughput(
  api: Api,
  emulator: ForkedEmulator,
  callback: CallbackServer,
  callbackBase: string,
  run: (typeof THROUGHPUT_RUNS)[number],
  messages: number,
): Promise<ThroughputResult> {
  // Fill the queue first (batch sends straight to Service Bus), so the pushes alone are timed.
  const sender = api.client.createSender(run.queue);
  for (let start = 0; start < messages; start += 100) {
    const batch = Array.from({ length: Math.min(100, messages - start) }, (_, offset) => ({
      body: { sequence: start + offset },
      messageId: `m-${start + offset}`,
      contentType: "application/json",
    }));
    await sender.sendMessages(batch);
  }
  await sender.close();
  callback.delayInMs = run.callbackDelayInMs;
  const distinct = new Set<number>();
  let pushes = 0;
  let firstAt = Number.NaN;
  let lastAt = Number.NaN;
  let apiCpuAtFirst = process.cpuUsage();
  let emulatorCpuAtFirst = Number.NaN;
  let apiCpuMs = Number.NaN;
  let emulatorCpuMs = Number.NaN;
  const allSeen = new Promise<void>((resolve) => {
    callback.onPush((message, seenAt) => {
      pushes += 1;
      if (Number.isNaN(firstAt)) {
        firstAt = seenAt;
        apiCpuAtFirst = process.cpuUsage();
        emulatorCpuAtFirst = processCpuMs(emulator.pid);
      }
      lastAt = seenAt;
      if (message.body?.sequence !== undefined) distinct.add(message.body.sequence);
      if (distinct.size === messages) {
        const cpu = process.cpuUsage(apiCpuAtFirst);
        apiCpuMs = (cpu.user + cpu.system) / 1000;
        emulatorCpuMs = processCpuMs(emulator.pid) - emulatorCpuAtFirst;
        resolve();
      }
    });
  });
  const location = await subscribe(api, run.queue, `${callbackBase}/${run.queue}?sig=bench`, run.maxConcurrentCalls);
  const done = await Promise.race([allSeen.then(() => true), sleep(300_000).then(() => false)]);
  callback.onPush(undefined);
  await unsubscribe(api, location);
  callback.delayInMs = 0;
  if (!done) throw new Error(`${run.queue}: only ${distinct.size} of ${messages} messages pushed within 300 s`);
  // From the first push to the last: messages - 1 intervals.
  return {
    maxConcurrentCalls: run.maxConcurrentCalls,
    callbackDelayInMs: run.callbackDelayInMs,
    messages,
    pushes,
    seconds: (lastAt - firstAt) / 1000,
    apiCpuShare: apiCpuMs / (lastAt - firstAt),
    emulatorCpuShare: emulatorCpuMs / (lastAt - firstAt),
  };
}

interface PollingResult {
  samples: number[];
  polls: number;
  retryAfterSeconds: Set<string>;
}

/**
 * Power Automate on a server-driven polling trigger: GET, then on 202 wait Retry-After and GET Location; on 200
 * "run the flow" for each message (here: note when it was seen and complete it), wait Retry-After, GET Location.
 */
async function measurePolling(api: Api, sendForSeconds: number): Promise<PollingResult> {
  const latencies: number[] = [];
  const retryAfterSeconds = new Set<string>();
  let polls = 0;
  let sent = 0;
  let stopPolling = false;
  const sendUntil = performance.now() + sendForSeconds * 1000;
  const sending = (async () => {
    while (performance.now() < sendUntil) {
      await sleep(1_000 + Math.random() * 2_000);
      await sendStamped(api, POLLING_QUEUE, sent);
      sent += 1;
    }
  })();
  const polling = (async () => {
    let next = `/queues/${POLLING_QUEUE}/triggers/peek-lock`;
    while (!stopPolling) {
      const answer = await call(api, "GET", next);
      polls += 1;
      const seenAt = performance.now();
      next = answer.headers.get("location") ?? next;
      const retryAfter = answer.headers.get("retry-after") ?? "0";
      retryAfterSeconds.add(retryAfter);
      if (answer.status === 200) {
        for (const message of answer.body as Array<{ body?: { sentAt?: number }; lockToken?: string }>) {
          if (message.body?.sentAt !== undefined) latencies.push(seenAt - message.body.sentAt);
          await call(api, "POST", `/queues/${POLLING_QUEUE}/locks/${message.lockToken}/complete`);
        }
      }
      const waitUntil = performance.now() + Number(retryAfter) * 1000;
      while (!stopPolling && performance.now() < waitUntil) await sleep(Math.min(250, waitUntil - performance.now()));
    }
  })();
  await sending;
  const giveUp = performance.now() + 120_000;
  while (latencies.length < sent && performance.now() < giveUp) await sleep(250);
  stopPolling = true;
  await polling;
  if (latencies.length < sent) throw new Error(`polling: only ${latencies.length} of ${sent} messages seen`);
  return { samples: latencies, polls, retryAfterSeconds };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      emulator: { type: "boolean" },
      samples: { type: "string" },
      messages: { type: "string" },
      "poll-seconds": { type: "string" },
      "client-nodelay": { type: "boolean" },
    },
    strict: true,
  });
  if (values.emulator) return runEmulatorChild();
  if (values["client-nodelay"]) setNoDelayOnConnect();
  const samples = Number(values.samples ?? 300);
  const messages = Number(values.messages ?? 1000);
  const pollSeconds = Number(values["poll-seconds"] ?? 240);
  const machine = describeMachine();
  const emulator = await forkEmulator(import.meta.url);
  const api = await startApi(emulator.connectionString);
  const callback = new CallbackServer();
  const callbackBase = await callback.listen();

  const push = await measurePushLatency(api, callback, callbackBase, samples, 20);
  const loadAfterPush = loadAverageNow();
  const throughput: ThroughputResult[] = [];
  for (const run of THROUGHPUT_RUNS) {
    const count = run.callbackDelayInMs > 0 && run.maxConcurrentCalls === 1 ? Math.min(messages, 200) : messages;
    throughput.push(await measureThroughput(api, emulator, callback, callbackBase, run, count));
  }
  const loadAfterThroughput = loadAverageNow();
  const polling = await measurePolling(api, pollSeconds);
  const loadAfterPolling = loadAverageNow();

  console.log("## Webhook triggers against the polling trigger\n");
  for (const line of machine.lines) console.log(line);
  console.log(`- load average after push latency / throughput / polling: ${loadAfterPush} | ${loadAfterThroughput} | ${loadAfterPolling}`);
  console.log(`- TCP_NODELAY on the SDK's sockets: ${values["client-nodelay"] ? "yes" : "no (as the API runs)"}\n`);
  console.log("| send -> flow sees the message | samples | p50 | p99 | max |");
  console.log("|---|---|---|---|---|");
  const sorted = (values_: number[]) => [...values_].sort((a, b) => a - b);
  console.log(
    `| webhook push (one message at a time, callback answers at once) | ${push.samples.length} | ${formatMs(percentile(push.samples, 0.5))} ms | ${formatMs(percentile(push.samples, 0.99))} ms | ${formatMs(sorted(push.samples).at(-1) ?? Number.NaN)} ms |`,
  );
  console.log(
    `| polling trigger, peek-lock (Retry-After ${[...polling.retryAfterSeconds].sort().join("/")} s as the API answers; sends 1-3 s apart for ${pollSeconds} s; ${polling.polls} polls) | ${polling.samples.length} | ${seconds(percentile(polling.samples, 0.5))} | ${seconds(percentile(polling.samples, 0.99))} | ${seconds(sorted(polling.samples).at(-1) ?? Number.NaN)} |`,
  );
  console.log("");
  console.log(
    "| webhook push throughput, one subscription | callback answers | messages | pushes (duplicates) | seconds | messages/s | CPU, API process | CPU, emulator |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const result of throughput) {
    const rate = (result.messages - 1) / result.seconds;
    console.log(
      `| maxConcurrentCalls ${result.maxConcurrentCalls} | ${result.callbackDelayInMs === 0 ? "at once" : `after ${result.callbackDelayInMs} ms`} | ${result.messages} | ${result.pushes} (${result.pushes - result.messages}) | ${result.seconds.toFixed(2)} | ${rate.toFixed(0)} | ${(result.apiCpuShare * 100).toFixed(0)} % | ${(result.emulatorCpuShare * 100).toFixed(0)} % |`,
    );
  }

  await api.dispatcher.stop();
  await new Promise<void>((resolve) => api.server.close(() => resolve()));
  await api.messaging.close();
  await api.client.close();
  callback.close();
  emulator.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
