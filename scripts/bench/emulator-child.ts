/**
 * The emulator under test, in its own process so that its CPU time and memory are its own (the benchmark's
 * SDK client runs in the parent). Started by `lib/emulator-process.ts` with `fork`; talks over the IPC channel:
 *   -> { type: "ready", port, connectionString, startMs, readyAtUs }
 *   <- { type: "stats" }  -> { type: "stats", rss, heapUsed, external, activeMessages }
 *   <- { type: "close" } (or the parent going away): closes the emulator and exits.
 * Arguments: --store memory|durable [--data-dir DIR] [--durability normal|full] [--queue NAME]... [--lock-duration ISO8601]
 */
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { createEmulator, parseEmulatorConfig } from "../../emulator/src/index.js";
import type { Emulator } from "../../emulator/src/index.js";

function send(message: object): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: "string" },
      "data-dir": { type: "string" },
      durability: { type: "string" },
      queue: { type: "string", multiple: true },
      "lock-duration": { type: "string" },
    },
    strict: true,
  });
  const durable = values.store === "durable";
  if (durable && !values["data-dir"]) throw new Error("--store durable needs --data-dir");
  const durability = values.durability === "full" ? "full" : "normal";
  const queues = values.queue?.length ? values.queue : ["bench"];
  const lockDuration = values["lock-duration"];
  const config = parseEmulatorConfig(
    {
      UserConfig: {
        Namespaces: [
          {
            Name: "sbemulatorns",
            Queues: queues.map((name) => ({ Name: name, ...(lockDuration ? { Properties: { LockDuration: lockDuration } } : {}) })),
            Topics: [],
          },
        ],
      },
    },
    "benchmark configuration",
  );
  const started = performance.now();
  const emulator: Emulator = await createEmulator({
    config,
    ...(durable ? { dataDir: values["data-dir"], durability } : {}),
  });
  const startMs = performance.now() - started;

  let closing = false;
  const close = (): void => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("message", (message: { type?: string }) => {
    if (message.type === "close") close();
    if (message.type === "stats") {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const memory = process.memoryUsage();
      const activeMessages = emulator.broker.queues().reduce((sum, queue) => sum + queue.main.counts().total, 0);
      send({ type: "stats", rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, activeMessages });
    }
  });
  process.on("disconnect", close);
  process.on("SIGTERM", close);
  // On the clock of V8's profiler (monotonic µs), so a profile can leave out the start-up.
  const readyAtUs = Number(process.hrtime.bigint() / 1000n);
  send({ type: "ready", port: emulator.port, connectionString: emulator.connectionString, startMs, readyAtUs });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench emulator child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
