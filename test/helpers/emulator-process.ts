/**
 * Test helpers: the emulator CLI as a real child process (`node --import tsx emulator/src/cli.ts ...`), for
 * tests of what only a separate process shows: kill -9, restarts on the same data dir, signals, exit codes.
 * Every child started here is tracked; call `killEmulatorProcesses()` in `afterEach`.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT, killAll, spawnRepoScript } from "./child-processes.js";
import type { ProcessExit, SpawnedScript } from "./child-processes.js";

/** The repository root: the CLI runs from there, as `npm run emulator` does. */
export { REPO_ROOT };
export type { ProcessExit };

const CONNECTION_STRING_PREFIX = "Connection string: ";

export interface EmulatorProcess {
  readonly child: ChildProcess;
  readonly connectionString: string;
  readonly port: number;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Sends a signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<ProcessExit>;
}

const running = new Set<ChildProcess>();

/** The CLI arguments for a durable emulator on a free port. */
export function emulatorArgs(options: { dataDir: string; configPath: string; logLevel?: string }): string[] {
  return ["--port", "0", "--admin-port", "0", "--data-dir", options.dataDir, "--config", options.configPath, "--log-level", options.logLevel ?? "warn"];
}

function spawnCli(args: readonly string[]): SpawnedScript {
  return spawnRepoScript("emulator/src/cli.ts", args, {}, running);
}

/**
 * Starts the CLI and resolves once it printed its connection string.
 * @throws Error (with the process's stderr) when it exits first or prints nothing within `timeoutMs`.
 */
export async function startEmulatorProcess(args: readonly string[], timeoutMs = 20_000): Promise<EmulatorProcess> {
  const { child, out, err, exited } = spawnCli(args);
  const connectionString = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill("SIGKILL");
      reject(new Error(`The emulator printed no connection string within ${timeoutMs} ms.\nstdout: ${out.join("")}\nstderr: ${err.join("")}`));
    }, timeoutMs);
    const onData = (): void => {
      // Only a complete line: the string may arrive split over chunks.
      const line = out
        .join("")
        .split("\n")
        .slice(0, -1)
        .find((each) => each.startsWith(CONNECTION_STRING_PREFIX));
      if (line !== undefined) {
        cleanup();
        resolve(line.slice(CONNECTION_STRING_PREFIX.length).trim());
      }
    };
    const onExit = (exit: ProcessExit): void => {
      cleanup();
      reject(new Error(`The emulator exited (code ${exit.code}, signal ${exit.signal}) before it printed a connection string.\nstderr: ${err.join("")}`));
    };
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
    }
    child.stdout?.on("data", onData);
    exited.then(onExit, reject);
  });
  const port = Number(/^Endpoint=sb:\/\/[^;]*:(\d+);/.exec(connectionString)?.[1]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`No port in the connection string '${connectionString}'.`);
  return {
    child,
    connectionString,
    port,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the CLI to its end (for arguments that make it exit on its own) and returns what it printed. */
export async function runEmulatorProcess(args: readonly string[], timeoutMs = 20_000): Promise<ProcessExit & { stdout: string; stderr: string }> {
  const { child, out, err, exited } = spawnCli(args);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    const exit = await exited;
    return { ...exit, stdout: out.join(""), stderr: err.join("") };
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every child these helpers started that is still running, and waits until they are gone. */
export async function killEmulatorProcesses(): Promise<void> {
  await killAll(running);
}

/** A fresh temporary folder; `remove()` deletes it with everything in it. */
export async function temporaryDirectory(prefix = "sb-emulator-"): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Config.json properties of an entity (LockDuration, RequiresSession, ...), as the official emulator reads them. */
export type EntityProperties = Record<string, unknown>;

/** The entities of a Config.json written by {@link writeEmulatorConfigFile}. */
export interface EmulatorEntities {
  queues?: Record<string, EntityProperties>;
  /** Each topic with its subscriptions and their properties. */
  topics?: Record<string, { properties?: EntityProperties; subscriptions: Record<string, EntityProperties> }>;
}

/** Writes a `Config.json` in the official emulator's format with the given queues and topics and returns its path. */
export async function writeEmulatorConfigFile(dir: string, entities: EmulatorEntities, fileName = "Config.json"): Promise<string> {
  const file = path.join(dir, fileName);
  const config = {
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: Object.entries(entities.queues ?? {}).map(([name, properties]) => ({ Name: name, Properties: properties })),
          Topics: Object.entries(entities.topics ?? {}).map(([name, topic]) => ({
            Name: name,
            Properties: topic.properties ?? {},
            Subscriptions: Object.entries(topic.subscriptions).map(([subscription, properties]) => ({ Name: subscription, Properties: properties })),
          })),
        },
      ],
      Logging: { Type: "File" },
    },
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, "utf8");
  return file;
}

/** Writes a `Config.json` in the official emulator's format with the given queues and returns its path. */
export async function writeQueuesConfigFile(dir: string, queues: Record<string, EntityProperties>, fileName = "Config.json"): Promise<string> {
  return writeEmulatorConfigFile(dir, { queues }, fileName);
}
