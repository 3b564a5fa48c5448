/** Section 4c of the benchmark: the emulator against RabbitMQ, with the same rhea client. */
import type { BenchRun } from "./lib/bench-run.js";
import { errorText } from "./lib/bench-run.js";
import { latencyCell, rateCell } from "./lib/cells.js";
import { startEmulatorProcess } from "./lib/emulator-process.js";
import type { EmulatorProcess } from "./lib/emulator-process.js";
import { formatCount, formatMs, formatRatio } from "./lib/stats.js";
import type { ReportSection } from "./lib/table.js";
import { makeTempDir, removeTempDir } from "./lib/temp.js";
import { findRabbitmqServer, installRabbitmq, startRabbitmq } from "./rabbitmq.js";
import type { RabbitmqNode } from "./rabbitmq.js";
import { openRheaCycle } from "./rhea-workload.js";
import type { RheaEndpoint } from "./rhea-workload.js";
import { measure } from "./sdk-workloads.js";
import type { RunSettings, ThroughputResult } from "./sdk-workloads.js";
import { CYCLE, QUEUE, SAS } from "./settings.js";
import type { Settings } from "./settings.js";

async function rheaMeasure(endpoint: RheaEndpoint, settings: RunSettings): Promise<ThroughputResult> {
  const cycle = await openRheaCycle(endpoint, { receiveCredit: CYCLE.receiveBatch, window: 64, maxBacklog: CYCLE.maxBacklog });
  try {
    return await measure(settings, cycle.runOnce);
  } finally {
    await cycle.close();
  }
}

export async function emulatorRheaMeasure(
  durability: "normal" | "full",
  settings: RunSettings,
  emulatorFlags: readonly string[],
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

export async function rabbitmqSection(run: BenchRun, settings: Settings, withRabbitmq: boolean): Promise<ReportSection> {
  const title = "4c. Emulator vs RabbitMQ: send + receive + accept, durable, same rhea client, 1 KB JSON body";
  let server = await findRabbitmqServer();
  if (!server && withRabbitmq) {
    const installed = await installRabbitmq(run.log);
    if (!installed.ok) {
      run.failures.push(`--with-rabbitmq: apt-get install rabbitmq-server failed: ${installed.detail}`);
      return { title, notes: [`RabbitMQ: could not be installed (${installed.detail})`] };
    }
    server = await findRabbitmqServer();
  }
  if (!server) return { title, notes: ["RabbitMQ: not installed (apt-get install rabbitmq-server to compare)"] };

  let rabbit: RabbitmqNode;
  try {
    rabbit = await startRabbitmq(server, run.log);
  } catch (error) {
    // An optional comparison: reported in the table; a failed run only when it was asked for with --with-rabbitmq.
    if (withRabbitmq) run.failures.push(`starting RabbitMQ: ${errorText(error)}`);
    run.log(`RabbitMQ could not be started: ${errorText(error)}`);
    return { title, notes: [`RabbitMQ: installed but could not be started: ${errorText(error)}`] };
  }
  run.log(`RabbitMQ ${rabbit.version} answered after ${formatMs(rabbit.startMs)} ms`);
  let rabbitResult: ThroughputResult | Error;
  try {
    run.log(`rhea cycle [RabbitMQ ${rabbit.version}]`);
    rabbitResult = await run.attempt("rhea cycle against RabbitMQ", () =>
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
    run.log(`rhea cycle [emulator, SQLite synchronous=${durability}]`);
    const result = await run.attempt(`rhea cycle against the emulator (${durability})`, () => emulatorRheaMeasure(durability, settings.run, run.emulatorFlags));
    rows.push([`emulator, SQLite synchronous=${durability.toUpperCase()}${durability === "normal" ? " (default)" : " (--durability full)"}`, result]);
  }
  for (const [label, result] of rows) {
    if (!(result instanceof Error)) run.log(`  ${label}: ${formatCount(result.msgsPerSec)} msgs/s`);
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
