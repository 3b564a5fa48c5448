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
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { apiSections } from "./api-bench.js";
import { rabbitmqSection } from "./broker-comparison.js";
import { throughputSection } from "./emulator-throughput.js";
import { createBenchRun, errorText } from "./lib/bench-run.js";
import { describeMachine, loadAverageNow } from "./lib/machine.js";
import { formatCount, formatMs } from "./lib/stats.js";
import { renderSection } from "./lib/table.js";
import type { ReportSection } from "./lib/table.js";
import { PROFILE_WORKLOADS, profileWorkload } from "./profile.js";
import type { ProfileWorkload } from "./profile.js";
import { DEFAULT_SETTINGS, QUICK_SETTINGS } from "./settings.js";
import { startSection } from "./start-and-memory.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const RESULTS_FILE = path.join(REPO, "bench-results", "latest.md");
const TCP_NODELAY_EXPERIMENT = fileURLToPath(new URL("./experiments/tcp-nodelay.ts", import.meta.url));

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
  const run = createBenchRun(experiment ? ["--import", TCP_NODELAY_EXPERIMENT] : []);
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
    await profileWorkload(run, settings, which, values["keep-profile"] ?? false);
    return;
  }

  const started = performance.now();
  const machine = describeMachine();
  const sections: ReportSection[] = [];
  if (values.only === undefined || values.only === "api")
    sections.push(...(await apiSections({ ...settings.run, warmupMs: settings.apiWarmupMs }, settings.heldLocks, run.log, run.attempt, run.emulatorFlags)));
  if (values.only === undefined || values.only === "4") {
    sections.push(await throughputSection(run, settings));
    sections.push(await rabbitmqSection(run, settings, values["with-rabbitmq"] ?? false));
  }
  if (values.only === undefined || values.only === "5") sections.push(...(await startSection(run, settings)));

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
    `- method: each measurement warms up for ${settings.run.warmupMs / 1000} s, then ${settings.run.runs} runs of ${settings.run.runMs / 1000} s (at most ${formatCount(settings.run.maxMessagesPerRun)} messages a run); msgs/s is the median of the runs, p50/p99 pool the latencies of all runs; in sections 1-3 each side warms up for ${settings.apiWarmupMs / 1000} s`,
    `- load average at end (1/5/15 min): ${loadAverageNow()}; total time ${formatMs((performance.now() - started) / 1000)} s`,
    "",
    ...sections.map(renderSection),
    run.failures.length ? `**Could not measure:** ${run.failures.join("; ")}` : "",
  ]
    .join("\n")
    .trimEnd();
  process.stdout.write(`${report}\n`);
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${report}\n`);
  run.log(`written to ${path.relative(REPO, resultsFile)}`);
  if (run.failures.length) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(`bench: could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
