/** Starts `emulator-child.ts` in its own Node process and talks to it over IPC. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { askChild, stopChild } from "./child-control.js";

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
    stats: async () => {
      const message = await askChild<{ type?: string } & Partial<EmulatorStats>>(child, "stats", "emulator", () => unexpectedExit);
      return {
        rss: message.rss ?? Number.NaN,
        heapUsed: message.heapUsed ?? Number.NaN,
        external: message.external ?? Number.NaN,
        activeMessages: message.activeMessages ?? Number.NaN,
      };
    },
    stop() {
      stopping ??= (async () => {
        stopRequested = true;
        await stopChild(child);
      })();
      return stopping;
    },
  };
}
