/** `--profile`: one workload with the emulator (or the API) under `node --cpu-prof`, summarised by self time. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PAIR_WORKLOADS, runApiOnly } from "./api-bench.js";
import { emulatorRheaMeasure } from "./broker-comparison.js";
import { SDK_WORKLOADS, runSdkWorkload } from "./emulator-throughput.js";
import type { SdkWorkload } from "./emulator-throughput.js";
import type { ApiProcess } from "./lib/api-process.js";
import type { BenchRun } from "./lib/bench-run.js";
import { summarizeCpuProfile } from "./lib/cpuprofile.js";
import type { EmulatorProcess } from "./lib/emulator-process.js";
import { formatCount, formatMs } from "./lib/stats.js";
import { keepTempDir, makeTempDir, removeTempDir } from "./lib/temp.js";
import type { ThroughputResult } from "./sdk-workloads.js";
import type { Settings } from "./settings.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

export const PROFILE_WORKLOADS = [
  "cycle",
  "rhea-cycle",
  "batch",
  "send-64",
  "api-send-16",
  "api-send-64",
  "api-batch",
  "api-cycle",
  "api-cycle-batch",
] as const;
export type ProfileWorkload = (typeof PROFILE_WORKLOADS)[number];

export async function profileWorkload(run: BenchRun, settings: Settings, which: ProfileWorkload, keep: boolean): Promise<void> {
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
    const prefix =
      which === "api-cycle"
        ? "3."
        : which === "api-cycle-batch"
          ? "3b."
          : which === "api-batch"
            ? "2."
            : `1. SendMessage vs sendMessages(1 msg), concurrency ${which.slice("api-send-".length)}`;
    const workload = PAIR_WORKLOADS.find((each) => each.label.startsWith(prefix));
    if (!workload) throw new Error(`no API workload ${prefix}`);
    process_ = "API";
    label = `${workload.label} (API side only), emulator in memory`;
    run.log(`profiling the API during: ${label}; profiles in ${dir}`);
    result = await runApiOnly(workload, settings.run, flags, (api: ApiProcess) => {
      readyAtUs = api.readyAtUs;
    });
  } else if (which === "rhea-cycle") {
    label = "4c rhea send + receive + accept, durable SQLite store (synchronous=NORMAL)";
    run.log(`profiling the emulator during: ${label}; profiles in ${dir}`);
    result = await emulatorRheaMeasure("normal", settings.run, run.emulatorFlags, flags, started);
  } else {
    const workload = sdk(which === "cycle" ? "4b" : which === "batch" ? "4a send, batches" : "4a send, 1 msg per call, concurrency 64");
    label = `${workload.label}, durable SQLite store`;
    run.log(`profiling the emulator during: ${label}; profiles in ${dir}`);
    result = await runSdkWorkload("durable", workload, settings.run, run.emulatorFlags, flags, started);
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
    run.log(`profile kept: ${path.join(dir, file)}`);
  } else removeTempDir(dir);
}
