/** Starts `api-child.ts` (the HTTP API) in its own Node process and talks to it over IPC. */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { askChild, stopChild } from "./child-control.js";

const CHILD = fileURLToPath(new URL("../api-child.ts", import.meta.url));

export interface ApiProcessOptions {
  /** The emulator's connection string. */
  readonly connectionString: string;
  readonly queues?: readonly string[];
  /** Extra node flags for the child, e.g. ["--cpu-prof", "--cpu-prof-dir", dir]. */
  readonly nodeFlags?: readonly string[];
  readonly startTimeoutMs?: number;
}

export interface ApiStats {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

export interface ApiProcess {
  readonly pid: number;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly port: number;
  /** The generated key the API accepts (all scopes); the child is given it, and configures only its hash. */
  readonly apiKey: string;
  /** When the child was ready, in µs of its monotonic clock (the clock of `--cpu-prof` timestamps). */
  readonly readyAtUs: number;
  readonly exitedEarly: string | undefined;
  /** RSS, heap and Buffers of the API process, read after a full GC. */
  stats(): Promise<ApiStats>;
  /** CPU time (user + system, µs) the API process has used so far. */
  cpuUs(): Promise<number>;
  stop(): Promise<void>;
}

/** Forks an API child and resolves once it listens. */
export async function startApiProcess(options: ApiProcessOptions): Promise<ApiProcess> {
  const apiKey = `bench-${randomBytes(24).toString("base64url")}`;
  const args = ["--connection-string", options.connectionString, "--api-key", apiKey];
  for (const queue of options.queues ?? ["bench"]) args.push("--queue", queue);
  const child = fork(CHILD, args, {
    execArgv: ["--import", "tsx", "--expose-gc", ...(options.nodeFlags ?? [])],
    // stdout (one pino line per request) is discarded; stderr is kept for error reports.
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const ready = await new Promise<{ port: number; readyAtUs: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the API child did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", function onMessage(message: { type?: string; port?: number; readyAtUs?: number }) {
      if (message.type !== "ready") return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve({ port: message.port ?? 0, readyAtUs: message.readyAtUs ?? 0 });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the API child exited before it was ready (code ${code}, signal ${signal}): ${stderr.trim()}`));
    });
  });
  child.on("error", () => undefined);
  let unexpectedExit: string | undefined;
  let stopRequested = false;
  child.once("exit", (code, signal) => {
    if (!stopRequested) {
      unexpectedExit = `the API child exited by itself (code ${code}, signal ${signal}): ${stderr.trim().split("\n").slice(0, 12).join(" / ")}`;
      process.stderr.write(`[bench] ${unexpectedExit}\n`);
    }
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    baseUrl: `http://127.0.0.1:${ready.port}`,
    port: ready.port,
    apiKey,
    readyAtUs: ready.readyAtUs,
    get exitedEarly() {
      return unexpectedExit;
    },
    stats: async () => {
      const message = await askChild<{ type?: string } & Partial<ApiStats>>(child, "stats", "API", () => unexpectedExit);
      return { rss: message.rss ?? Number.NaN, heapUsed: message.heapUsed ?? Number.NaN, external: message.external ?? Number.NaN };
    },
    cpuUs: async () => {
      const message = await askChild<{ type?: string; userUs?: number; systemUs?: number }>(child, "cpu", "API", () => unexpectedExit);
      return (message.userUs ?? Number.NaN) + (message.systemUs ?? Number.NaN);
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
