/**
 * `npm run bench [-- --quick] [--with-rabbitmq] [--only api|4|5] [--experiment-tcp-nodelay] [--profile [--profile-workload W] [--keep-profile]]`
 *
 * Measures the HTTP API against the raw SDK (sections 1-3, 5c) and the emulator (4, 5), and prints one Markdown table per run, also written
 * to bench-results/latest.md. Numbers are reported, never judged: the exit code is non-zero only when a
 * measurement could not run. Only loopback traffic; every loop is bounded in count and time.
 *
 *   --quick           a smoke run of about a minute (shorter runs, fewer of them, 20k stored messages)
 *   --with-rabbitmq   apt-get install rabbitmq-server when it is missing, for the broker comparison
 *   --only api|4|5    run one section (api: sections 1-3 and 5c)
 *   --experiment-tcp-nodelay  run the emulator children with TCP_NODELAY patched in (experiments/tcp-nodelay.ts);
 *                     kept for comparisons with old emulators: the emulator sets TCP_NODELAY itself since a15cf30, so
 *                     this now changes nothing; writes bench-results/experiment-tcp-nodelay.md
 *   --profile         instead of the report: one workload (default: the SDK send+receive+complete cycle) against a
 *                     durable emulator running under `node --cpu-prof`, summarised as the top self-time functions
 *                     after start-up; --profile-workload cycle|rhea-cycle|batch|send-64 picks the workload;
 *                     api-send-16|api-send-64|api-batch|api-cycle|api-cycle-batch profile the API process instead (the API side of
 *                     sections 1-3, emulator in memory); the profile file is deleted unless --keep-profile
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { PAIR_WORKLOADS, apiSections, runApiOnly } from "./api-bench.js";
import type { ApiProcess } from "./lib/api-process.js";
import { CLI_COMMAND, cliColdStartOnce, inProcessStartOnce } from "./cold-start.js";
import type { InProcessStart } from "./cold-start.js";
import { summarizeCpuProfile } from "./lib/cpuprofile.js";
import { startEmulatorProcess } from "./lib/emulator-process.js";
import type { EmulatorProcess, StoreKind } from "./lib/emulator-process.js";
import { describeMachine, loadAverageNow } from "./lib/machine.js";
import { formatCount, formatMiB, formatMs, formatRatio, median } from "./lib/stats.js";
import { renderSection } from "./lib/table.js";
import { keepTempDir, makeTempDir, removeTempDir } from "./lib/temp.js";
import type { ReportSection } from "./lib/table.js";
import { measureStoredMessages } from "./memory.js";
import type { MemoryResult } from "./memory.js";
import { findRabbitmqServer, installRabbitmq, startRabbitmq } from "./rabbitmq.js";
import type { RabbitmqNode } from "./rabbitmq.js";
import { openRheaCycle } from "./rhea-workload.js";
import type { RheaEndpoint } from "./rhea-workload.js";
import { batchSends, measure, newBenchClient, sendReceiveCompleteCycle, singleSends } from "./sdk-workloads.js";
import type { RunOnce, RunSettings, ThroughputResult } from "./sdk-workloads.js";
import type { ServiceBusReceiver, ServiceBusSender } from "@azure/service-bus";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const RESULTS_FILE = path.join(REPO, "bench-results", "latest.md");
const QUEUE = "bench";
const SAS = { keyName: "RootManageSharedAccessKey", key: "SAS_KEY_VALUE" };

interface Settings {
  readonly name: "default" | "quick";
  readonly run: RunSettings;
  readonly storedMessages: number;
  /**
   * Warm-up of each side in sections 1-3: the API's request path runs through far more code than an SDK call
   * and needs ~10,000 requests before V8 has optimised it (measured: API CPU per request fell from 535 to 330 µs
   * over the first 20,000 requests), so the generic warm-up would measure it half cold.
   */
  readonly apiWarmupMs: number;
  /** Section 5c: locks the API holds while its RSS is read. */
  readonly heldLocks: number;
  readonly fillTimeoutMs: number;
  readonly startRuns: number;
  /** The whole run is abandoned (exit 1) past this. */
  readonly watchdogMs: number;
}

const DEFAULT_SETTINGS: Settings = {
  name: "default",
  run: { warmupMs: 1_000, runMs: 2_000, runs: 5, maxMessagesPerRun: 200_000 },
  apiWarmupMs: 5_000,
  storedMessages: 100_000,
  heldLocks: 10_000,
  fillTimeoutMs: 120_000,
  startRuns: 5,
  watchdogMs: 15 * 60_000,
};

const QUICK_SETTINGS: Settings = {
  name: "quick",
  run: { warmupMs: 250, runMs: 500, runs: 3, maxMessagesPerRun: 50_000 },
  apiWarmupMs: 1_500,
  storedMessages: 20_000,
  heldLocks: 2_000,
  fillTimeoutMs: 30_000,
  startRuns: 3,
  watchdogMs: 5 * 60_000,
};

const CYCLE = { receiveBatch: 32, maxBacklog: 1024, producers: 2 };

/** Node flags of every emulator child; --experiment-tcp-nodelay adds a preload (see experiments/tcp-nodelay.ts). */
let emulatorFlags: readonly string[] = [];
const TCP_NODELAY_EXPERIMENT = fileURLToPath(new URL("./experiments/tcp-nodelay.ts", import.meta.url));

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Failures of measurements that could not run; any of them makes the exit code 1. */
const failures: string[] = [];

async function attempt<T>(what: string, task: () => Promise<T>): Promise<T | Error> {
  try {
    return await task();
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    failures.push(`${what}: ${failure.message}`);
    log(`FAILED ${what}: ${failure.message}`);
    return failure;
  }
}


// ---------------------------------------------------------------------------------------------------------
// Section 4: emulator throughput with the SDK, durable vs in memory

interface SdkWorkload {
  readonly label: string;
  readonly latencyOf: string;
  readonly make: (sender: ServiceBusSender, createReceiver: () => ServiceBusReceiver) => RunOnce;
}

const SDK_WORKLOADS: readonly SdkWorkload[] = [
  { label: "4a send, 1 msg per call, concurrency 1", latencyOf: "sendMessages call", make: (sender) => singleSends(sender, 1) },
  { label: "4a send, 1 msg per call, concurrency 16", latencyOf: "sendMessages call", make: (sender) => singleSends(sender, 16) },
  { label: "4a send, 1 msg per call, concurrency 64", latencyOf: "sendMessages call", make: (sender) => singleSends(sender, 64) },
  { label: "4a send, batches of 100, 1 in flight", latencyOf: "batch of 100", make: (sender) => batchSends(sender, 100) },
  {
    label: "4b send + receiveMessages(32) + completeMessage each",
    latencyOf: "completeMessage call",
    make: (sender, createReceiver) => sendReceiveCompleteCycle(sender, createReceiver, CYCLE),
  },
];

/** One workload against a fresh emulator child of the given store. */
async function runSdkWorkload(
  store: StoreKind,
  workload: SdkWorkload,
  settings: RunSettings,
  nodeFlags: readonly string[] = [],
  onStarted: (emulator: EmulatorProcess) => void = () => undefined,
): Promise<ThroughputResult> {
  const dataDir = store === "durable" ? makeTempDir("bench-store-") : undefined;
  try {
    const emulator = await startEmulatorProcess({ store, queues: [QUEUE], nodeFlags: [...emulatorFlags, ...nodeFlags], ...(dataDir ? { dataDir } : {}) });
    onStarted(emulator);
    try {
      const client = newBenchClient(emulator.connectionString);
      try {
        const sender = client.createSender(QUEUE);
        return await measure(settings, workload.make(sender, () => client.createReceiver(QUEUE, { receiveMode: "peekLock" })));
      } finally {
        await client.close();
      }
    } finally {
      await emulator.stop();
    }
  } finally {
    if (dataDir) removeTempDir(dataDir);
  }
}

function latencyCell(result: ThroughputResult | Error): string {
  return result instanceof Error ? "-" : `${formatMs(result.p50Ms)} / ${formatMs(result.p99Ms)}`;
}

/** The median msgs/s with the slowest and fastest run: "9,085 (3,900-9,494)". */
function rateCell(result: ThroughputResult | Error): string {
  if (result instanceof Error) return `error: ${result.message.slice(0, 80)}`;
  const runs = result.runRates;
  if (runs.length < 2) return formatCount(result.msgsPerSec);
  return `${formatCount(result.msgsPerSec)} (${formatCount(Math.min(...runs))}-${formatCount(Math.max(...runs))})`;
}

async function throughputSection(settings: Settings): Promise<ReportSection> {
  const rows: string[][] = [];
  for (const workload of SDK_WORKLOADS) {
    const results = {} as Record<StoreKind, ThroughputResult | Error>;
    for (const store of ["durable", "memory"] as const) {
      log(`${workload.label} [${store}]`);
      results[store] = await attempt(`${workload.label} [${store}]`, () => runSdkWorkload(store, workload, settings.run));
      const result = results[store];
      if (!(result instanceof Error)) {
        log(`  ${formatCount(result.msgsPerSec)} msgs/s (runs: ${result.runRates.map(formatCount).join(", ")}), p50 ${formatMs(result.p50Ms)} ms, p99 ${formatMs(result.p99Ms)} ms`);
      }
    }
    const { durable, memory } = results;
    rows.push([
      workload.label,
      rateCell(durable),
      rateCell(memory),
      durable instanceof Error || memory instanceof Error ? "n/a" : formatRatio(durable.msgsPerSec, memory.msgsPerSec),
      latencyCell(durable),
      latencyCell(memory),
      workload.latencyOf,
    ]);
  }
  return {
    title: "4a/4b. Emulator throughput with @azure/service-bus (1 KB JSON body): durable SQLite store vs in memory",
    header: ["workload", "SQLite msgs/s (min-max)", "in-memory msgs/s (min-max)", "SQLite / in-memory", "SQLite p50 / p99 ms", "in-memory p50 / p99 ms", "latency of one"],
    rows,
    notes: [
      "The emulator runs in its own process (one per measurement, fresh store in a temp folder); the SDK client in the bench process, one ServiceBusClient.",
      `4b: ${CYCLE.producers} producers send arrays of ${CYCLE.receiveBatch} (at most ${formatCount(CYCLE.maxBacklog)} messages sent but not completed) while one peek-lock receiver loops receiveMessages(${CYCLE.receiveBatch}) then completeMessage on each message (in parallel); msgs/s counts completed messages; one receiver for the whole measurement.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Section 4c: the emulator against RabbitMQ, with the same rhea client

async function rheaMeasure(endpoint: RheaEndpoint, settings: RunSettings): Promise<ThroughputResult> {
  const cycle = await openRheaCycle(endpoint, { receiveCredit: CYCLE.receiveBatch, window: 64, maxBacklog: CYCLE.maxBacklog });
  try {
    return await measure(settings, cycle.runOnce);
  } finally {
    await cycle.close();
  }
}

async function emulatorRheaMeasure(
  durability: "normal" | "full",
  settings: RunSettings,
  nodeFlags: readonly string[] = [],
  onStarted: (emulator: EmulatorProcess) => void = () => undefined,
): Promise<ThroughputResult> {
  const dataDir = makeTempDir("bench-store-");
  try {
    const emulator = await startEmulatorProcess({ store: "durable", dataDir, durability, queues: [QUEUE], nodeFlags: [...emulatorFlags, ...nodeFlags] });
    onStarted(emulator);
    try {
      return await rheaMeasure(
        {
          host: "127.0.0.1",
          port: emulator.port,
          sendAddress: QUEUE,
          receiveAddress: QUEUE,
          sas: { ...SAS, audience: `sb://127.0.0.1:${emulator.port}/${QUEUE}` },
        },
        settings,
      );
    } finally {
      await emulator.stop();
    }
  } finally {
    removeTempDir(dataDir);
  }
}

async function rabbitmqSection(settings: Settings, withRabbitmq: boolean): Promise<ReportSection> {
  const title = "4c. Emulator vs RabbitMQ: send + receive + accept, durable, same rhea client, 1 KB JSON body";
  let server = await findRabbitmqServer();
  if (!server && withRabbitmq) {
    const installed = await installRabbitmq(log);
    if (!installed.ok) {
      failures.push(`--with-rabbitmq: apt-get install rabbitmq-server failed: ${installed.detail}`);
      return { title, notes: [`RabbitMQ: could not be installed (${installed.detail})`] };
    }
    server = await findRabbitmqServer();
  }
  if (!server) return { title, notes: ["RabbitMQ: not installed (apt-get install rabbitmq-server to compare)"] };

  let rabbit: RabbitmqNode;
  try {
    rabbit = await startRabbitmq(server, log);
  } catch (error) {
    // An optional comparison: reported in the table; a failed run only when it was asked for with --with-rabbitmq.
    if (withRabbitmq) failures.push(`starting RabbitMQ: ${errorText(error)}`);
    log(`RabbitMQ could not be started: ${errorText(error)}`);
    return { title, notes: [`RabbitMQ: installed but could not be started: ${errorText(error)}`] };
  }
  log(`RabbitMQ ${rabbit.version} answered after ${formatMs(rabbit.startMs)} ms`);
  let rabbitResult: ThroughputResult | Error;
  try {
    log(`rhea cycle [RabbitMQ ${rabbit.version}]`);
    rabbitResult = await attempt("rhea cycle against RabbitMQ", () =>
      rheaMeasure(
        { host: rabbit.host, port: rabbit.port, username: "guest", password: "guest", sendAddress: `/queue/${QUEUE}`, receiveAddress: `/queue/${QUEUE}` },
        settings.run,
      ),
    );
  } finally {
    await rabbit.stop();
  }
  const rows: Array<[string, ThroughputResult | Error]> = [[`RabbitMQ ${rabbit.version}, durable classic queue, persistent messages`, rabbitResult]];
  for (const durability of ["normal", "full"] as const) {
    log(`rhea cycle [emulator, SQLite synchronous=${durability}]`);
    const result = await attempt(`rhea cycle against the emulator (${durability})`, () => emulatorRheaMeasure(durability, settings.run));
    rows.push([
      `emulator, SQLite synchronous=${durability.toUpperCase()}${durability === "normal" ? " (default)" : " (--durability full)"}`,
      result,
    ]);
  }
  for (const [label, result] of rows) {
    if (!(result instanceof Error)) log(`  ${label}: ${formatCount(result.msgsPerSec)} msgs/s`);
  }
  const rabbitRate = rabbitResult instanceof Error ? Number.NaN : rabbitResult.msgsPerSec;
  return {
    title,
    header: ["broker", "msgs/s (min-max)", "confirm p50 / p99 ms", "broker / RabbitMQ"],
    rows: rows.map(([label, result]) => [
      label,
      rateCell(result),
      latencyCell(result),
      result instanceof Error ? "n/a" : formatRatio(result.msgsPerSec, rabbitRate),
    ]),
    notes: [
      "One rhea connection per broker: a producer sends persistent (durable=true) messages unsettled, at most 64 awaiting the broker's accepted disposition and at most 1,024 not yet consumed; a consumer with credit 32 accepts each message (on the emulator a peek-lock receive, so accepting completes it). msgs/s counts consumed messages; latency is send -> accepted.",
      `RabbitMQ runs as a private node (loopback ports, data in a temp folder, AMQP 1.0 plugin, queue declared durable through /queue/${QUEUE}); it confirms persistent messages once its message store has written them. The emulator's default (synchronous=NORMAL) commits to the SQLite WAL without fsync (safe from a process crash, not from a power cut); FULL fsyncs every group commit.`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Section 5: start time and memory

function spread(values: readonly number[]): string {
  return values.length ? `${formatMs(Math.min(...values))} - ${formatMs(Math.max(...values))}` : "-";
}

async function startSection(settings: Settings): Promise<ReportSection[]> {
  const cli: number[] = [];
  const inProcess: InProcessStart[] = [];
  log(`CLI cold start (${settings.startRuns} runs + 1 warm-up): ${CLI_COMMAND}`);
  const cliOutcome = await attempt("CLI cold start", async () => {
    await cliColdStartOnce(); // warm-up: the OS file cache, tsx's compile cache
    for (let run = 0; run < settings.startRuns; run += 1) cli.push(await cliColdStartOnce());
  });
  log(`in-process createEmulator() start (${settings.startRuns} fresh processes + 1 warm-up)`);
  const inProcessOutcome = await attempt("in-process start", async () => {
    await inProcessStartOnce();
    for (let run = 0; run < settings.startRuns; run += 1) inProcess.push(await inProcessStartOnce());
  });
  const row = (label: string, values: readonly number[], outcome: unknown): string[] => [
    label,
    outcome instanceof Error ? `error: ${outcome.message.slice(0, 80)}` : `${formatMs(median(values))} ms`,
    spread(values),
    String(values.length),
  ];
  const starts: ReportSection = {
    title: "5a. Emulator start to first accepted connection (an AMQP header answered), median",
    header: ["measure", "median", "min - max (ms)", "runs"],
    rows: [
      row(`CLI: \`${CLI_COMMAND}\`, spawn -> first accepted connection`, cli, cliOutcome),
      row("in-process createEmulator() -> first accepted connection, first call in a fresh process", inProcess.map((each) => each.coldMs), inProcessOutcome),
      row("in-process createEmulator() -> first accepted connection, second call in the same process", inProcess.map((each) => each.warmMs), inProcessOutcome),
      row("import of emulator/src/create-emulator.ts through tsx in a fresh process (not in the rows above)", inProcess.map((each) => each.importMs), inProcessOutcome),
    ],
    notes: ["createEmulator() here: default entities, in memory, no management API (as the test fixture uses it). The CLI also creates the management API's self-signed certificate."],
  };

  const memoryRows: string[][] = [];
  for (const store of ["memory", "durable"] as const) {
    log(`RSS with ${formatCount(settings.storedMessages)} stored messages [${store}]`);
    const result = await attempt(`RSS with stored messages [${store}]`, () =>
      measureStoredMessages(store, settings.storedMessages, settings.fillTimeoutMs, emulatorFlags),
    );
    memoryRows.push(memoryRow(store, result));
    if (!(result instanceof Error) && result.restart) memoryRows.push(restartRow(result));
  }
  const memory: ReportSection = {
    title: `5b. Emulator memory holding ${formatCount(settings.storedMessages)} stored 1 KB messages (the emulator process alone, after a full GC)`,
    header: ["emulator", "messages held", "RSS empty", "RSS holding them", "JS heap used", "Buffers (external)", "RSS growth per message", "fill msgs/s", "start time"],
    rows: memoryRows,
    notes: [
      "Filled through the SDK with sendMessages batches of 100, 4 in flight. The broker keeps every message in memory also with the SQLite store (the store makes them durable), so both hold the same data in RAM.",
    ],
  };
  return [starts, memory];
}

function memoryRow(store: StoreKind, result: MemoryResult | Error): string[] {
  const label = store === "memory" ? "in memory (--in-memory)" : "SQLite store, right after the sends";
  if (result instanceof Error) return [label, `error: ${result.message.slice(0, 80)}`, "", "", "", "", "", "", ""];
  const held = result.filled.activeMessages;
  return [
    label,
    formatCount(held),
    formatMiB(result.empty.rss),
    formatMiB(result.filled.rss),
    formatMiB(result.filled.heapUsed),
    formatMiB(result.filled.external),
    held > 0 ? `${formatCount((result.filled.rss - result.empty.rss) / held)} B` : "n/a",
    formatCount((held / result.fillMs) * 1000),
    "-",
  ];
}

function restartRow(result: MemoryResult): string[] {
  const restart = result.restart;
  if (!restart) return [];
  const held = restart.stats.activeMessages;
  return [
    "SQLite store, restarted on that data (loads them at start)",
    formatCount(held),
    "-",
    formatMiB(restart.stats.rss),
    formatMiB(restart.stats.heapUsed),
    formatMiB(restart.stats.external),
    held > 0 ? `${formatCount((restart.stats.rss - result.empty.rss) / held)} B` : "n/a",
    "-",
    `createEmulator() ${formatMs(restart.createEmulatorMs)} ms (process start to ready ${formatMs(restart.readyAfterForkMs)} ms)`,
  ];
}

// ---------------------------------------------------------------------------------------------------------
// --profile: the emulator under node --cpu-prof during one workload

const PROFILE_WORKLOADS = ["cycle", "rhea-cycle", "batch", "send-64", "api-send-16", "api-send-64", "api-batch", "api-cycle", "api-cycle-batch"] as const;
type ProfileWorkload = (typeof PROFILE_WORKLOADS)[number];

async function profileWorkload(settings: Settings, which: ProfileWorkload, keep: boolean): Promise<void> {
  const dir = makeTempDir("bench-cpuprof-");
  const flags = ["--cpu-prof", "--cpu-prof-dir", dir];
  let readyAtUs = 0;
  const started = (emulator: EmulatorProcess): void => {
    readyAtUs = emulator.readyAtUs;
  };
  const sdk = (prefix: string): SdkWorkload => {
    const workload = SDK_WORKLOADS.find((each) => each.label.startsWith(prefix));
    if (!workload) throw new Error(`no workload ${prefix}`);
    return workload;
  };
  let label: string;
  let result: ThroughputResult;
  let process_ = "emulator";
  if (which.startsWith("api-")) {
    const prefix = which === "api-cycle" ? "3." : which === "api-cycle-batch" ? "3b." : which === "api-batch" ? "2." : `1. SendMessage vs sendMessages(1 msg), concurrency ${which.slice("api-send-".length)}`;
    const workload = PAIR_WORKLOADS.find((each) => each.label.startsWith(prefix));
    if (!workload) throw new Error(`no API workload ${prefix}`);
    process_ = "API";
    label = `${workload.label} (API side only), emulator in memory`;
    log(`profiling the API during: ${label}; profiles in ${dir}`);
    result = await runApiOnly(workload, settings.run, flags, (api: ApiProcess) => {
      readyAtUs = api.readyAtUs;
    });
  } else if (which === "rhea-cycle") {
    label = "4c rhea send + receive + accept, durable SQLite store (synchronous=NORMAL)";
    log(`profiling the emulator during: ${label}; profiles in ${dir}`);
    result = await emulatorRheaMeasure("normal", settings.run, flags, started);
  } else {
    const workload = sdk(which === "cycle" ? "4b" : which === "batch" ? "4a send, batches" : "4a send, 1 msg per call, concurrency 64");
    label = `${workload.label}, durable SQLite store`;
    log(`profiling the emulator during: ${label}; profiles in ${dir}`);
    result = await runSdkWorkload("durable", workload, settings.run, flags, started);
  }
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`the ${process_} process wrote no .cpuprofile into ${dir}`);
  const summary = summarizeCpuProfile(path.join(dir, file), REPO, 30, readyAtUs);
  const share = (value: number): string => (Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : "-");
  const lines = [
    `## Profile of the ${process_} process: ${label}`,
    "",
    `Throughput while profiled: ${formatCount(result.msgsPerSec)} msgs/s (profiling slows it). Sampled after the ${process_} process was ready: ${formatMs(summary.totalMs)} ms, of which busy (not idle) ${formatMs(summary.busyMs)} ms (${share(summary.busyMs / summary.totalMs)}). Shares below are of the busy time.`,
    "",
    "### Self time by function",
    "",
    "| self ms | share of busy | function (file) |",
    "|---|---|---|",
    ...summary.functions.map((entry) => `| ${formatMs(entry.ms)} | ${share(entry.share)} | ${entry.name} |`),
    "",
    "### Self time by file",
    "",
    "| self ms | share of busy | file |",
    "|---|---|---|",
    ...summary.files.map((entry) => `| ${formatMs(entry.ms)} | ${share(entry.share)} | ${entry.name} |`),
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (keep) {
    keepTempDir(dir);
    log(`profile kept: ${path.join(dir, file)}`);
  }
  else removeTempDir(dir);
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: "boolean" },
        "with-rabbitmq": { type: "boolean" },
        only: { type: "string" },
        profile: { type: "boolean" },
        "profile-workload": { type: "string" },
        "keep-profile": { type: "boolean" },
        "experiment-tcp-nodelay": { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`bench: ${errorText(error)}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(
      `Usage: npm run bench -- [--quick] [--with-rabbitmq] [--only api|4|5] [--experiment-tcp-nodelay] [--profile [--profile-workload ${PROFILE_WORKLOADS.join("|")}] [--keep-profile]]\n`,
    );
    return;
  }
  if (values.only !== undefined && values.only !== "api" && values.only !== "4" && values.only !== "5") {
    process.stderr.write(`bench: --only must be api, 4 or 5, got '${values.only}'\n`);
    process.exit(2);
  }
  const settings = values.quick ? QUICK_SETTINGS : DEFAULT_SETTINGS;
  const experiment = values["experiment-tcp-nodelay"] ?? false;
  if (experiment) emulatorFlags = ["--import", TCP_NODELAY_EXPERIMENT];
  const resultsFile = experiment ? path.join(path.dirname(RESULTS_FILE), "experiment-tcp-nodelay.md") : RESULTS_FILE;
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${settings.watchdogMs / 60_000} minutes\n`);
    process.exit(1);
  }, settings.watchdogMs);
  watchdog.unref();

  if (values.profile) {
    const which = (values["profile-workload"] ?? "cycle") as ProfileWorkload;
    if (!PROFILE_WORKLOADS.includes(which)) {
      process.stderr.write(`bench: --profile-workload must be one of ${PROFILE_WORKLOADS.join(", ")}\n`);
      process.exit(2);
    }
    await profileWorkload(settings, which, values["keep-profile"] ?? false);
    return;
  }

  const started = performance.now();
  const machine = describeMachine();
  const sections: ReportSection[] = [];
  if (values.only === undefined || values.only === "api") sections.push(...(await apiSections({ ...settings.run, warmupMs: settings.apiWarmupMs }, settings.heldLocks, log, attempt, emulatorFlags)));
  if (values.only === undefined || values.only === "4") {
    sections.push(await throughputSection(settings));
    sections.push(await rabbitmqSection(settings, values["with-rabbitmq"] ?? false));
  }
  if (values.only === undefined || values.only === "5") sections.push(...(await startSection(settings)));

  const { run } = settings;
  const report = [
    `## Benchmark run ${new Date().toISOString()} (${settings.name} settings${values.only ? `, section ${values.only} only` : ""})`,
    "",
    ...(experiment
      ? [
          "**EXPERIMENT: the emulator processes ran with TCP_NODELAY patched in by the bench (experiments/tcp-nodelay.ts); these are not the numbers of the emulator as it is. The CLI start row runs the CLI unpatched.**",
          "",
        ]
      : []),
    ...machine.lines,
    `- method: each measurement warms up for ${run.warmupMs / 1000} s, then ${run.runs} runs of ${run.runMs / 1000} s (at most ${formatCount(run.maxMessagesPerRun)} messages a run); msgs/s is the median of the runs, p50/p99 pool the latencies of all runs; in sections 1-3 each side warms up for ${settings.apiWarmupMs / 1000} s`,
    `- load average at end (1/5/15 min): ${loadAverageNow()}; total time ${formatMs((performance.now() - started) / 1000)} s`,
    "",
    ...sections.map(renderSection),
    failures.length ? `**Could not measure:** ${failures.join("; ")}` : "",
  ].join("\n").trimEnd();
  process.stdout.write(`${report}\n`);
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${report}\n`);
  log(`written to ${path.relative(REPO, resultsFile)}`);
  if (failures.length) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench: could not run: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
