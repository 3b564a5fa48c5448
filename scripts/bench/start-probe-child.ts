/**
 * Section 5, in-process start: run in a fresh process by `cold-start.ts`. Imports the emulator, starts it with
 * `createEmulator()` (in memory, default entities, no management API, as the test fixture does), probes it
 * with an AMQP connection, then does the same a second time in this now warm process. Reports over IPC:
 * { importMs, coldMs, warmMs }.
 */
import { performance } from "node:perf_hooks";
import { probeAmqp } from "./lib/processes.js";

async function startAndProbe(createEmulator: typeof import("../../emulator/src/index.js").createEmulator): Promise<number> {
  const started = performance.now();
  const emulator = await createEmulator({ port: 0 });
  await probeAmqp("127.0.0.1", emulator.port, 5_000);
  const elapsed = performance.now() - started;
  await emulator.close();
  return elapsed;
}

async function main(): Promise<void> {
  const importStarted = performance.now();
  const { createEmulator } = await import("../../emulator/src/index.js");
  const importMs = performance.now() - importStarted;
  const coldMs = await startAndProbe(createEmulator);
  const warmMs = await startAndProbe(createEmulator);
  process.send?.({ importMs, coldMs, warmMs });
  process.disconnect?.();
}

main().catch((error: unknown) => {
  process.stderr.write(`start probe: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
