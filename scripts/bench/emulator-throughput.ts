/** Sections 4a/4b of the benchmark: emulator throughput with @azure/service-bus, durable SQLite store vs in memory. */
import type { ServiceBusReceiver, ServiceBusSender } from "@azure/service-bus";
import type { BenchRun } from "./lib/bench-run.js";
import { latencyCell, rateCell } from "./lib/cells.js";
import { startEmulatorProcess } from "./lib/emulator-process.js";
import type { EmulatorProcess, StoreKind } from "./lib/emulator-process.js";
import { formatCount, formatMs, formatRatio } from "./lib/stats.js";
import type { ReportSection } from "./lib/table.js";
import { makeTempDir, removeTempDir } from "./lib/temp.js";
import { batchSends, measure, newBenchClient, sendReceiveCompleteCycle, singleSends } from "./sdk-workloads.js";
import type { RunOnce, RunSettings, ThroughputResult } from "./sdk-workloads.js";
import { CYCLE, QUEUE } from "./settings.js";
import type { Settings } from "./settings.js";

export interface SdkWorkload {
  readonly label: string;
  readonly latencyOf: string;
  readonly make: (sender: ServiceBusSender, createReceiver: () => ServiceBusReceiver) => RunOnce;
}

export const SDK_WORKLOADS: readonly SdkWorkload[] = [
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
export async function runSdkWorkload(
  store: StoreKind,
  workload: SdkWorkload,
  settings: RunSettings,
  emulatorFlags: readonly string[],
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
        return await measure(
          settings,
          workload.make(sender, () => client.createReceiver(QUEUE, { receiveMode: "peekLock" })),
        );
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

export async function throughputSection(run: BenchRun, settings: Settings): Promise<ReportSection> {
  const rows: string[][] = [];
  for (const workload of SDK_WORKLOADS) {
    const results = {} as Record<StoreKind, ThroughputResult | Error>;
    for (const store of ["durable", "memory"] as const) {
      run.log(`${workload.label} [${store}]`);
      results[store] = await run.attempt(`${workload.label} [${store}]`, () => runSdkWorkload(store, workload, settings.run, run.emulatorFlags));
      const result = results[store];
      if (!(result instanceof Error)) {
        run.log(
          `  ${formatCount(result.msgsPerSec)} msgs/s (runs: ${result.runRates.map(formatCount).join(", ")}), p50 ${formatMs(result.p50Ms)} ms, p99 ${formatMs(result.p99Ms)} ms`,
        );
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
    header: [
      "workload",
      "SQLite msgs/s (min-max)",
      "in-memory msgs/s (min-max)",
      "SQLite / in-memory",
      "SQLite p50 / p99 ms",
      "in-memory p50 / p99 ms",
      "latency of one",
    ],
    rows,
    notes: [
      "The emulator runs in its own process (one per measurement, fresh store in a temp folder); the SDK client in the bench process, one ServiceBusClient.",
      `4b: ${CYCLE.producers} producers send arrays of ${CYCLE.receiveBatch} (at most ${formatCount(CYCLE.maxBacklog)} messages sent but not completed) while one peek-lock receiver loops receiveMessages(${CYCLE.receiveBatch}) then completeMessage on each message (in parallel); msgs/s counts completed messages; one receiver for the whole measurement.`,
    ],
  };
}
