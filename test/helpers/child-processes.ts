/**
 * Child processes of the repo's own TypeScript entry points (`node --import tsx <script>`), for tests that kill
 * real processes. Each group of helpers keeps its children in its own set so it can kill exactly those.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, where `npm` scripts run. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started child with its collected output. */
export interface SpawnedScript {
  child: ChildProcess;
  out: string[];
  err: string[];
  exited: Promise<ProcessExit>;
}

/** Starts `script` (a path from the repo root) under tsx, collecting its output; the child joins `running`. */
export function spawnRepoScript(script: string, args: readonly string[], env: Record<string, string>, running: Set<ChildProcess>): SpawnedScript {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "", ...env },
  });
  running.add(child);
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => out.push(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => err.push(chunk));
  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  // Keep an unobserved rejection (spawn failure) from failing an unrelated test.
  exited.catch(() => undefined);
  return { child, out, err, exited };
}

/** SIGKILLs every child in `running` that is still alive, and waits until they are gone. */
export async function killAll(running: Set<ChildProcess>): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            running.delete(child);
            resolve();
            return;
          }
          child.once("close", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}
