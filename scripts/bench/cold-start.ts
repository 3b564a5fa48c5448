/** Section 5: how fast the emulator starts, as a CLI and as a library. */
import { fork, spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { probeAmqp } from "./lib/processes.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const PROBE_CHILD = fileURLToPath(new URL("./start-probe-child.ts", import.meta.url));

/** The command measured, as README users type it (minus npm). */
export const CLI_ARGS = ["--import", "tsx", "emulator/src/cli.ts", "--port", "0", "--admin-port", "0", "--in-memory"];

/**
 * Spawns the CLI, reads the port from its banner and probes it: ms from spawn to the first answered AMQP
 * connection. The CLI is stopped with SIGTERM (killed when it does not exit within 10 s).
 */
export async function cliColdStartOnce(timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, CLI_ARGS, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(() => reject(new Error(`the CLI printed no listening line within ${timeoutMs} ms`)), timeoutMs);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        const match = /listening on [^\s]*?:(\d+)/.exec(stdout);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the CLI exited with code ${code} before listening: ${stderr.trim().split("\n").slice(-3).join(" / ")}`));
      });
    });
    await probeAmqp("127.0.0.1", port, 10_000);
    return performance.now() - started;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

export interface InProcessStart {
  readonly importMs: number;
  readonly coldMs: number;
  readonly warmMs: number;
}

/** One fresh process importing the emulator and calling createEmulator() twice (see start-probe-child.ts). */
export function inProcessStartOnce(timeoutMs = 60_000): Promise<InProcessStart> {
  return new Promise((resolve, reject) => {
    const child = fork(PROBE_CHILD, [], { cwd: REPO, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result: InProcessStart | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the start probe did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", (message: InProcessStart) => {
      result = message;
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`the start probe exited with code ${code} without a result`));
    });
  });
}

export const CLI_COMMAND = `node ${CLI_ARGS.join(" ")}`;
export const REPO_ROOT = path.resolve(REPO);
