/**
 * Sections 1-3 of the benchmark (issue 6): the HTTP API against the raw SDK on the same emulator, and the API's
 * part of section 5 (RSS with 10k held locks).
 *   1. SendMessage msgs/s and p50/p99 at concurrency 1, 16, 64 vs `sendMessages` at the same concurrency (goal >= 0.7),
 *      with the ceiling: the same requests against a bare HTTP server (bare-http-child.ts)
 *   2. SendMessages, batches of 100, vs an SDK batch send of 100 (goal >= 0.8)
 *   3. ReceiveMessagesFromQueue (max 32) + CompleteMessageInQueue each vs the SDK doing the same (goal >= 0.5)
 *   3b. The same cycle with one CompleteMessagesInQueue request per receive (the SDK still completes each)
 *   5. API RSS holding 10,000 locks
 *
 * Three processes, so that none shares an event loop with another: the emulator (in memory, `emulator-child.ts`),
 * the API (`api-child.ts`, createApp as `npm start` builds it), and this one, which runs both the raw SDK client
 * and the HTTP load generator (`lib/http-client.ts`, keep-alive). Per workload one fresh emulator and one fresh
 * API; the raw side uses queue `bench`, the API side `bench-api` (so neither consumes the other's messages), and
 * their timed runs alternate (measurePair).
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSender } from "@azure/service-bus";
import { startApiProcess } from "./lib/api-process.js";
import type { Attempt } from "./lib/bench-run.js";
import { rateCell } from "./lib/cells.js";
import { startBareHttpProcess } from "./lib/bare-http-process.js";
import type { ApiProcess, ApiStats } from "./lib/api-process.js";
import { startEmulatorProcess } from "./lib/emulator-process.js";
import type { EmulatorProcess } from "./lib/emulator-process.js";
import { httpClient } from "./lib/http-client.js";
import type { HttpClient } from "./lib/http-client.js";
import { jsonBody } from "./lib/payload.js";
import { formatCount, formatMiB, formatMs, formatRatio } from "./lib/stats.js";
import type { LatencySamples } from "./lib/stats.js";
import type { ReportSection } from "./lib/table.js";
import { batchSends, measure, measureAlternating, newBenchClient, singleSends } from "./sdk-workloads.js";
import type { RunOnce, RunSettings, ThroughputResult } from "./sdk-workloads.js";

const RAW_QUEUE = "bench";
const API_QUEUE = "bench-api";
const RECEIVE_BATCH = 32;
const MAX_BACKLOG = 1024;
const PRODUCERS = 2;

// ---------------------------------------------------------------------------------------------------------
// Request bodies: built once (a ring of distinct 1 KB documents), so the load generator spends its CPU on
// requests, not on JSON.stringify; the raw SDK serialises its message bodies itself, as a caller's SDK would.

const RING = 256;
let ring: { single: string[]; batch: string | undefined } | undefined;

function bodies(): { single: string[]; batch: string } {
  if (!ring?.batch) {
    const message = (index: number) => ({ body: jsonBody(index), contentType: "application/json" });
    ring = {
      single: Array.from({ length: RING }, (_, index) => JSON.stringify(message(index))),
      batch: JSON.stringify({ messages: Array.from({ length: 100 }, (_, index) => message(index)) }),
    };
  }
  return ring as { single: string[]; batch: string };
}

/** `concurrency` loops, each awaiting one SendMessage request at a time. Latency: one request. */
function apiSingleSends(http: HttpClient, concurrency: number): RunOnce {
  const path = `/entities/${API_QUEUE}/messages`;
  const { single } = bodies();
  let next = 0;
  return async (deadline, maxMessages, samples) => {
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline && sent < maxMessages) {
        sent += 1;
        next = (next + 1) % RING;
        const started = performance.now();
        await http.expect(201, "POST", path, single[next]);
        samples?.record(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return sent;
  };
}

/** One loop awaiting SendMessages requests of 100 messages. Latency: one request. */
function apiBatchSends(http: HttpClient): RunOnce {
  const path = `/entities/${API_QUEUE}/messages/batch`;
  const { batch } = bodies();
  return async (deadline, maxMessages, samples) => {
    let sent = 0;
    while (performance.now() < deadline && sent < maxMessages) {
      sent += 100;
      const started = performance.now();
      await http.expect(201, "POST", path, batch);
      samples?.record(performance.now() - started);
    }
    return sent;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Section 3: the receive + complete cycle, with the same producers (raw SDK, in this process) for both sides

interface Consumer<T> {
  receive(max: number, maxWaitMs: number): Promise<readonly T[]>;
  /** Completes what one receive returned, recording the latency of each completing call. */
  completeAll(items: readonly T[], samples: LatencySamples | undefined): Promise<void>;
}

/** Completes items one call each, the calls in parallel; latency: one call. */
function completeEach<T>(complete: (item: T) => Promise<void>): Consumer<T>["completeAll"] {
  return async (items, samples) => {
    await Promise.all(
      items.map(async (item) => {
        const started = performance.now();
        await complete(item);
        samples?.record(performance.now() - started);
      }),
    );
  };
}

/**
 * Producers (raw SDK, arrays of 32, at most MAX_BACKLOG sent but not completed) keep the queue supplied while one
 * consumer loops receive(32) then complete on each received message, the completions in parallel. Counts
 * completed messages. Latency: one completion.
 */
function cycle<T>(sender: ServiceBusSender, consumer: Consumer<T>): RunOnce {
  let sentTotal = 0;
  let completedTotal = 0;
  return async (deadline, maxMessages, samples) => {
    let completed = 0;
    const producer = async (): Promise<void> => {
      while (performance.now() < deadline && completed < maxMessages) {
        if (sentTotal - completedTotal >= MAX_BACKLOG) {
          await sleep(1);
          continue;
        }
        sentTotal += RECEIVE_BATCH;
        await sender.sendMessages(
          Array.from({ length: RECEIVE_BATCH }, (_, index) => ({ body: jsonBody(sentTotal + index), contentType: "application/json" })),
        );
      }
    };
    const consume = async (): Promise<void> => {
      while (performance.now() < deadline && completed < maxMessages) {
        const waitMs = Math.max(50, Math.min(1000, deadline - performance.now()));
        const received = await consumer.receive(RECEIVE_BATCH, waitMs);
        if (received.length > 0) await consumer.completeAll(received, samples);
        completed += received.length;
        completedTotal += received.length;
      }
    };
    await Promise.all([...Array.from({ length: PRODUCERS }, producer), consume()]);
    return completed;
  };
}

function sdkConsumer(receiver: ServiceBusReceiver): Consumer<ServiceBusReceivedMessage> {
  return {
    receive: (max: number, maxWaitMs: number) => receiver.receiveMessages(max, { maxWaitTimeInMs: maxWaitMs }),
    completeAll: completeEach((message) => receiver.completeMessage(message)),
  };
}

/** ReceiveMessagesFromQueue, then CompleteMessageInQueue per lock token or CompleteMessagesInQueue once. */
function apiConsumer(http: HttpClient, queue: string, settle: "each" | "batch"): Consumer<string> {
  const completeOne = async (lockToken: string): Promise<void> => {
    await http.expect(204, "POST", `/queues/${queue}/locks/${encodeURIComponent(lockToken)}/complete`);
  };
  const completeBatch = async (lockTokens: readonly string[], samples: LatencySamples | undefined): Promise<void> => {
    const started = performance.now();
    const text = await http.expect(200, "POST", `/queues/${queue}/locks/complete`, JSON.stringify({ lockTokens }));
    samples?.record(performance.now() - started);
    const { failed } = JSON.parse(text) as { failed: Array<{ code: string }> };
    if (failed.length > 0) throw new Error(`CompleteMessagesInQueue: ${failed.length} lock tokens failed, the first with ${failed[0]?.code}`);
  };
  return {
    async receive(max, maxWaitMs) {
      const text = await http.expect(200, "POST", `/queues/${queue}/receive?maxMessages=${max}&maxWaitSeconds=${(maxWaitMs / 1000).toFixed(2)}`);
      const { messages } = JSON.parse(text) as { messages: Array<{ lockToken?: string }> };
      return messages.map((message) => {
        if (!message.lockToken) throw new Error("a peek-lock receive returned a message without a lock token");
        return message.lockToken;
      });
    },
    completeAll: settle === "each" ? completeEach(completeOne) : completeBatch,
  };
}

// ---------------------------------------------------------------------------------------------------------
// One pair: a fresh emulator (in memory) and a fresh API, the raw SDK and the API measured alternately

interface PairWorkload {
  readonly label: string;
  readonly latencyOf: string;
  /** HTTP connections the load generator may open. */
  readonly sockets: number;
  readonly raw: (sender: ServiceBusSender, createReceiver: () => ServiceBusReceiver) => RunOnce;
  readonly api: (http: HttpClient, producer: ServiceBusSender) => RunOnce;
  /** The same requests against the bare HTTP server (bare-http-child.ts): the ceiling of any HTTP API here. */
  readonly bare?: (http: HttpClient) => RunOnce;
}

export const PAIR_WORKLOADS: readonly PairWorkload[] = [
  ...[1, 16, 64].map(
    (concurrency): PairWorkload => ({
      label: `1. SendMessage vs sendMessages(1 msg), concurrency ${concurrency}`,
      latencyOf: "one request / call",
      sockets: concurrency,
      raw: (sender) => singleSends(sender, concurrency),
      api: (http) => apiSingleSends(http, concurrency),
      bare: (http) => apiSingleSends(http, concurrency),
    }),
  ),
  {
    label: "2. SendMessages(100) vs sendMessages(100 msgs), 1 in flight",
    latencyOf: "one request / call of 100",
    sockets: 1,
    raw: (sender) => batchSends(sender, 100),
    api: (http) => apiBatchSends(http),
  },
  {
    label: `3. receive(${RECEIVE_BATCH}) + complete each, peek-lock`,
    latencyOf: "one complete",
    sockets: RECEIVE_BATCH + 1,
    raw: (sender, createReceiver) => cycle(sender, sdkConsumer(createReceiver())),
    api: (http, producer) => cycle(producer, apiConsumer(http, API_QUEUE, "each")),
  },
  {
    label: `3b. receive(${RECEIVE_BATCH}) + CompleteMessages vs complete each, peek-lock`,
    latencyOf: "API: one CompleteMessages; raw: one complete",
    sockets: 2,
    raw: (sender, createReceiver) => cycle(sender, sdkConsumer(createReceiver())),
    api: (http, producer) => cycle(producer, apiConsumer(http, API_QUEUE, "batch")),
  },
];

interface Started {
  readonly emulator: EmulatorProcess;
  readonly api: ApiProcess;
}

async function withEmulatorAndApi<T>(
  options: { emulatorFlags: readonly string[]; apiFlags?: readonly string[]; lockDuration?: string },
  task: (started: Started) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulatorProcess({
    store: "memory",
    queues: [RAW_QUEUE, API_QUEUE],
    nodeFlags: options.emulatorFlags,
    ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
  });
  try {
    const api = await startApiProcess({ connectionString: emulator.connectionString, queues: [RAW_QUEUE, API_QUEUE], nodeFlags: options.apiFlags ?? [] });
    try {
      const result = await task({ emulator, api });
      const early = api.exitedEarly ?? emulator.exitedEarly;
      if (early) throw new Error(early);
      return result;
    } finally {
      await api.stop();
    }
  } finally {
    await emulator.stop();
  }
}

/** CPU time of the API process per message moved, over the timed runs of a workload (warm-up excluded). */
interface CpuMeter {
  readonly runOnce: RunOnce;
  /** µs of API CPU (user + system) per message; NaN before a timed run. */
  perMessageUs(): number;
}

function meterApiCpu(api: ApiProcess, runOnce: RunOnce): CpuMeter {
  let cpuUs = 0;
  let messages = 0;
  return {
    runOnce: async (deadline, maxMessages, samples) => {
      if (!samples) return runOnce(deadline, maxMessages, samples);
      const before = await api.cpuUs();
      const moved = await runOnce(deadline, maxMessages, samples);
      cpuUs += (await api.cpuUs()) - before;
      messages += moved;
      return moved;
    },
    perMessageUs: () => (messages > 0 ? cpuUs / messages : Number.NaN),
  };
}

export interface PairResult {
  readonly raw: ThroughputResult;
  readonly api: ThroughputResult;
  /** µs of the API process's CPU per message (timed runs). */
  readonly apiCpuUsPerMessage: number;
  /** The bare HTTP server with the API's requests, for workloads that have one. */
  readonly bare?: ThroughputResult;
}

/** The raw SDK, the API and (when the workload has one) the bare HTTP server side by side on one emulator. */
async function runPair(workload: PairWorkload, settings: RunSettings, emulatorFlags: readonly string[]): Promise<PairResult> {
  return withEmulatorAndApi({ emulatorFlags }, async ({ emulator, api }) => {
    const client = newBenchClient(emulator.connectionString);
    const http = httpClient(api.baseUrl, api.apiKey, workload.sockets);
    const bare = workload.bare ? await startBareHttpProcess() : undefined;
    const bareHttp = bare ? httpClient(bare.baseUrl, api.apiKey, workload.sockets) : undefined;
    try {
      const rawSender = client.createSender(RAW_QUEUE);
      const apiProducer = client.createSender(API_QUEUE);
      const raw = workload.raw(rawSender, () => client.createReceiver(RAW_QUEUE, { receiveMode: "peekLock" }));
      // Measured before the timed runs start and after they end, so the IPC round trip is not timed.
      const meter = meterApiCpu(api, workload.api(http, apiProducer));
      const sides = [raw, meter.runOnce, ...(workload.bare && bareHttp ? [workload.bare(bareHttp)] : [])];
      const [rawResult, apiResult, bareResult] = await measureAlternating(settings, sides);
      if (!rawResult || !apiResult) throw new Error("no result for the raw SDK or the API");
      return { raw: rawResult, api: apiResult, apiCpuUsPerMessage: meter.perMessageUs(), ...(bareResult ? { bare: bareResult } : {}) };
    } finally {
      http.close();
      bareHttp?.close();
      await bare?.stop();
      await client.close();
    }
  });
}

/** Only the API side of a workload, with extra node flags for the API child (--profile). */
export async function runApiOnly(
  workload: PairWorkload,
  settings: RunSettings,
  apiFlags: readonly string[],
  onStarted: (api: ApiProcess) => void,
): Promise<ThroughputResult> {
  return withEmulatorAndApi({ emulatorFlags: [], apiFlags }, async ({ emulator, api }) => {
    onStarted(api);
    const client = newBenchClient(emulator.connectionString);
    const http = httpClient(api.baseUrl, api.apiKey, workload.sockets);
    try {
      return await measure(settings, workload.api(http, client.createSender(API_QUEUE)));
    } finally {
      http.close();
      await client.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Section 5 (API part): RSS of the API process holding N locks

export interface HeldLocksResult {
  readonly requested: number;
  readonly held: number;
  readonly before: ApiStats;
  readonly after: ApiStats;
  readonly receiveMs: number;
}

/**
 * Fills `bench-api` (lock duration 5 minutes) through the SDK, warms the API with one receive + complete, reads
 * its RSS after a full GC, then receives (peek-lock, 8 requests of 32 in flight, none completed) until `locks`
 * messages are locked, and reads it again.
 */
export async function measureHeldLocks(locks: number, emulatorFlags: readonly string[], timeoutMs: number): Promise<HeldLocksResult> {
  return withEmulatorAndApi({ emulatorFlags, lockDuration: "PT5M" }, async ({ emulator, api }) => {
    const client = newBenchClient(emulator.connectionString);
    const http = httpClient(api.baseUrl, api.apiKey, 8);
    try {
      const fillStarted = performance.now();
      await batchSends(client.createSender(API_QUEUE), 100, 4)(fillStarted + timeoutMs, locks + RECEIVE_BATCH, undefined);
      const consumer = apiConsumer(http, API_QUEUE, "each");
      const warm = await consumer.receive(RECEIVE_BATCH, 5_000);
      await consumer.completeAll(warm, undefined);
      const before = await api.stats();
      const started = performance.now();
      const deadline = started + timeoutMs;
      let held = 0;
      const loop = async (): Promise<void> => {
        let empty = 0;
        while (held < locks && performance.now() < deadline && empty < 3) {
          const received = await consumer.receive(Math.min(RECEIVE_BATCH, locks - held), 2_000);
          held += received.length;
          empty = received.length === 0 ? empty + 1 : 0;
        }
      };
      await Promise.all(Array.from({ length: 8 }, loop));
      const receiveMs = performance.now() - started;
      const after = await api.stats();
      return { requested: locks, held, before, after, receiveMs };
    } finally {
      http.close();
      await client.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------------------

const GOALS: Record<string, number> = { "1": 0.7, "2": 0.8, "3": 0.5 };

export async function apiSections(
  settings: RunSettings,
  heldLocks: number,
  log: (line: string) => void,
  attempt: Attempt,
  emulatorFlags: readonly string[] = [],
): Promise<ReportSection[]> {
  const rows: string[][] = [];
  for (const workload of PAIR_WORKLOADS) {
    log(workload.label);
    const result = await attempt(workload.label, () => runPair(workload, settings, emulatorFlags));
    const goal = GOALS[workload.label.slice(0, 1)] ?? Number.NaN;
    if (result instanceof Error) {
      rows.push([workload.label, `error: ${result.message.slice(0, 80)}`, "", "n/a", `>= ${goal}`, "", "", "", "", workload.latencyOf]);
      continue;
    }
    const { raw, api } = result;
    log(
      `  raw ${formatCount(raw.msgsPerSec)} msgs/s (runs: ${raw.runRates.map(formatCount).join(", ")}); API ${formatCount(api.msgsPerSec)} msgs/s (runs: ${api.runRates.map(formatCount).join(", ")})`,
    );
    rows.push([
      workload.label,
      rateCell(api),
      rateCell(raw),
      formatRatio(api.msgsPerSec, raw.msgsPerSec),
      `>= ${goal}`,
      `${formatMs(api.p50Ms)} / ${formatMs(api.p99Ms)}`,
      `${formatMs(raw.p50Ms)} / ${formatMs(raw.p99Ms)}`,
      `${formatCount(result.apiCpuUsPerMessage)} µs`,
      result.bare
        ? `${formatRatio(result.bare.msgsPerSec, raw.msgsPerSec)} (${formatCount(result.bare.msgsPerSec)}; p50 ${formatMs(result.bare.p50Ms)} ms)`
        : "-",
      workload.latencyOf,
    ]);
  }
  const throughput: ReportSection = {
    title: "1-3. HTTP API vs raw SDK, same emulator (in memory), 1 KB JSON body",
    header: [
      "workload",
      "API msgs/s (min-max)",
      "raw SDK msgs/s (min-max)",
      "API / raw",
      "goal",
      "API p50 / p99 ms",
      "raw p50 / p99 ms",
      "API CPU per msg",
      "ceiling: bare HTTP / raw",
      "latency of",
    ],
    rows,
    notes: [
      "Three processes: the emulator (in memory), the API (createApp as `npm start` builds it: SDK client with retries, pino at info to a discarded stdout, a generated API key) and the bench process, which runs the raw SDK client (one ServiceBusClient, no retries) and the HTTP load generator (node:http, keep-alive, one connection per concurrent request). On 2 cores the API side has three busy processes, the raw side two.",
      "API CPU per msg: user + system CPU time of the API process during the timed runs (process.cpuUsage, read before and after each run) divided by the messages moved; it depends less on the machine's load than msgs/s does.",
      "Ceiling (1): the same requests, load generator and connections against a bare node:http server in its own process that reads the body, parses its JSON and answers 201 with a message id (bare-http-child.ts: no framework, authentication, validation, logging or Service Bus), measured in the same alternation. No HTTP API can beat it, so its ratio to the raw SDK bounds what the API / raw ratio can reach on this machine.",
      "Per workload a fresh emulator and API; the raw SDK uses queue bench, the API queue bench-api; after a warm-up of each, their timed runs alternate (raw, API, raw, API, ...).",
      `3b: the same cycle, but the API completes the ${RECEIVE_BATCH} lock tokens of a receive with one CompleteMessagesInQueue request (what a flow does with one "Complete messages" action); the raw SDK still completes each message, as the SDK has no batch completion.`,
      `3: ${PRODUCERS} raw-SDK producers (in the bench process, for both sides) send arrays of ${RECEIVE_BATCH} with at most ${formatCount(MAX_BACKLOG)} sent but not completed; one consumer loops ReceiveMessagesFromQueue (maxMessages ${RECEIVE_BATCH}) / receiveMessages(${RECEIVE_BATCH}) then CompleteMessageInQueue / completeMessage on each, in parallel. msgs/s counts completed messages.`,
    ],
  };

  log(`API RSS holding ${formatCount(heldLocks)} locks`);
  const locks = await attempt("API RSS with held locks", () => measureHeldLocks(heldLocks, emulatorFlags, 120_000));
  const lockRows =
    locks instanceof Error
      ? [[`error: ${locks.message.slice(0, 80)}`, "", "", "", "", "", ""]]
      : [
          [
            `${formatCount(locks.held)} of ${formatCount(locks.requested)}`,
            formatMiB(locks.before.rss),
            formatMiB(locks.after.rss),
            formatMiB(locks.after.heapUsed),
            formatMiB(locks.after.external),
            locks.held > 0 ? `${formatCount((locks.after.rss - locks.before.rss) / locks.held)} B` : "n/a",
            `${formatMs(locks.receiveMs / 1000)} s`,
          ],
        ];
  const memory: ReportSection = {
    title: `5c. API process memory holding ${formatCount(heldLocks)} message locks (after a full GC)`,
    header: ["locks held", "API RSS before", "API RSS holding them", "JS heap used", "Buffers (external)", "RSS growth per lock", "time to receive them"],
    rows: lockRows,
    notes: [
      "The queue's lock duration is 5 minutes; the messages are received through the API (ReceiveMessagesFromQueue, 32 per request, 8 in flight, peek-lock) and not settled. The API keeps each locked message (the SDK's received message, which knows its link) in its lock registry until it is settled or its lock expires. 'Before' is after one receive + complete (links open, code warm).",
    ],
  };
  return [throughput, memory];
}
