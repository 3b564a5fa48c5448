/** Starts `emulator-child.ts` in its own Node process and talks to it over IPC. */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const CHILD = fileURLToPath(new URL("../emulator-child.ts", import.meta.url));

export type StoreKind = "memory" | "durable";

export interface EmulatorProcessOptions {
  readonly store: StoreKind;
  /** Required for "durable". */
  readonly dataDir?: string;
  readonly durability?: "normal" | "full";
  readonly queues?: readonly string[];
  /** The queues' LockDuration (ISO 8601, e.g. "PT5M"); Service Bus's default (1 minute) when absent. */
  readonly lockDuration?: string;
  /** Extra node flags for the child, e.g. ["--cpu-prof", "--cpu-prof-dir", dir]. */
  readonly nodeFlags?: readonly string[];
  /** How long to wait for the child to be ready. */
  readonly startTimeoutMs?: number;
}

export interface EmulatorStats {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly activeMessages: number;
}

export interface EmulatorProcess {
  readonly pid: number;
  readonly port: number;
  readonly connectionString: string;
  /** Time createEmulator() took inside the child. */
  readonly startMs: number;
  /** When the child was ready, in µs of its monotonic clock (the clock of `--cpu-prof` timestamps). */
  readonly readyAtUs: number;
  /** Time from fork() to the child's "ready" message (process start, tsx, imports, createEmulator). */
  readonly readyAfterForkMs: number;
  /** Why the child exited before stop() was called, if it did. */
  readonly exitedEarly: string | undefined;
  stats(): Promise<EmulatorStats>;
  /** Asks the child to close the emulator and exit; kills it when it does not exit in time. */
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: "ready";
  port: number;
  connectionString: string;
  startMs: number;
  readyAtUs: number;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Forks an emulator child and resolves once it accepts connections. */
export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
  const args = ["--store", options.store];
  if (options.dataDir) args.push("--data-dir", options.dataDir);
  if (options.durability) args.push("--durability", options.durability);
  for (const queue of options.queues ?? ["bench"]) args.push("--queue", queue);
  if (options.lockDuration) args.push("--lock-duration", options.lockDuration);
  const forkedAt = performance.now();
  const child = fork(CHILD, args, {
    execArgv: ["--import", "tsx", "--expose-gc", ...(options.nodeFlags ?? [])],
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the emulator child did not start within ${options.startTimeoutMs ?? 60_000} ms`));
    }, options.startTimeoutMs ?? 60_000);
    child.on("message", function onMessage(message: { type?: string }) {
      if (message.type !== "ready") return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(message as ReadyMessage);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the emulator child exited before it was ready (code ${code}, signal ${signal}): ${stderr.trim()}`));
    });
  });
  const readyAfterForkMs = performance.now() - forkedAt;
  // An IPC write to a child that just exited fails with EPIPE as an 'error' event; exits are handled below.
  child.on("error", () => undefined);
  let unexpectedExit: string | undefined;
  let stopRequested = false;
  child.once("exit", (code, signal) => {
    if (!stopRequested) {
      unexpectedExit = `the emulator child exited by itself (code ${code}, signal ${signal}): ${stderr.trim().split("\n").slice(0, 12).join(" / ")}`;
      process.stderr.write(`[bench] ${unexpectedExit}\n`);
    }
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    port: ready.port,
    connectionString: ready.connectionString,
    startMs: ready.startMs,
    readyAtUs: ready.readyAtUs,
    readyAfterForkMs,
    get exitedEarly() {
      return unexpectedExit;
    },
    stats: () =>
      new Promise<EmulatorStats>((resolve, reject) => {
        if (unexpectedExit) {
          reject(new Error(unexpectedExit));
          return;
        }
        const timer = setTimeout(() => reject(new Error("the emulator child did not answer a stats request within 30 s")), 30_000);
        child.on("message", function onMessage(message: { type?: string } & Partial<EmulatorStats>) {
          if (message.type !== "stats") return;
          clearTimeout(timer);
          child.off("message", onMessage);
          resolve({
            rss: message.rss ?? Number.NaN,
            heapUsed: message.heapUsed ?? Number.NaN,
            external: message.external ?? Number.NaN,
            activeMessages: message.activeMessages ?? Number.NaN,
          });
        });
        child.send({ type: "stats" });
      }),
    stop() {
      stopping ??= (async () => {
        stopRequested = true;
        if (child.connected) child.send({ type: "close" });
        if (await waitForExit(child, 15_000)) return;
        child.kill("SIGTERM");
        if (await waitForExit(child, 5_000)) return;
        child.kill("SIGKILL");
        await waitForExit(child, 5_000);
      })();
      return stopping;
    },
  };
}
