/** Section 5a/5b of the benchmark: the emulator's start time and its memory holding stored messages. */
import { CLI_COMMAND, cliColdStartOnce, inProcessStartOnce } from "./cold-start.js";
import type { InProcessStart } from "./cold-start.js";
import type { BenchRun } from "./lib/bench-run.js";
import type { StoreKind } from "./lib/emulator-process.js";
import { formatCount, formatMiB, formatMs, median } from "./lib/stats.js";
import type { ReportSection } from "./lib/table.js";
import { measureStoredMessages } from "./memory.js";
import type { MemoryResult } from "./memory.js";
import type { Settings } from "./settings.js";

function spread(values: readonly number[]): string {
  return values.length ? `${formatMs(Math.min(...values))} - ${formatMs(Math.max(...values))}` : "-";
}

export async function startSection(run: BenchRun, settings: Settings): Promise<ReportSection[]> {
  const cli: number[] = [];
  const inProcess: InProcessStart[] = [];
  run.log(`CLI cold start (${settings.startRuns} runs + 1 warm-up): ${CLI_COMMAND}`);
  const cliOutcome = await run.attempt("CLI cold start", async () => {
    await cliColdStartOnce(); // warm-up: the OS file cache, tsx's compile cache
    for (let run = 0; run < settings.startRuns; run += 1) cli.push(await cliColdStartOnce());
  });
  run.log(`in-process createEmulator() start (${settings.startRuns} fresh processes + 1 warm-up)`);
  const inProcessOutcome = await run.attempt("in-process start", async () => {
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
      row(
        "in-process createEmulator() -> first accepted connection, first call in a fresh process",
        inProcess.map((each) => each.coldMs),
        inProcessOutcome,
      ),
      row(
        "in-process createEmulator() -> first accepted connection, second call in the same process",
        inProcess.map((each) => each.warmMs),
        inProcessOutcome,
      ),
      row(
        "import of emulator/src/index.ts through tsx in a fresh process (not in the rows above)",
        inProcess.map((each) => each.importMs),
        inProcessOutcome,
      ),
    ],
    notes: [
      "createEmulator() here: default entities, in memory, no management API (as the test fixture uses it). The CLI also creates the management API's self-signed certificate.",
    ],
  };

  const memoryRows: string[][] = [];
  for (const store of ["memory", "durable"] as const) {
    run.log(`RSS with ${formatCount(settings.storedMessages)} stored messages [${store}]`);
    const result = await run.attempt(`RSS with stored messages [${store}]`, () =>
      measureStoredMessages(store, settings.storedMessages, settings.fillTimeoutMs, run.emulatorFlags),
    );
    memoryRows.push(memoryRow(store, result));
    if (!(result instanceof Error) && result.restart) memoryRows.push(restartRow(result));
  }
  const memory: ReportSection = {
    title: `5b. Emulator memory holding ${formatCount(settings.storedMessages)} stored 1 KB messages (the emulator process alone, after a full GC)`,
    header: [
      "emulator",
      "messages held",
      "RSS empty",
      "RSS holding them",
      "JS heap used",
      "Buffers (external)",
      "RSS growth per message",
      "fill msgs/s",
      "start time",
    ],
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
