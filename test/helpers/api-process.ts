/**
 * Test helpers: the API server as a real child process (`node --import tsx api/src/server.ts`), as
 * `npm start` runs it, for tests that need a separate process: kill -9, the embedded demo mode, a
 * browser. Every child started here is tracked; call `killApiProcesses()` in `afterEach`/`afterAll`.
 */
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import type { Scope } from "../../api/src/contract/operation.js";
import type { ExposedEntities } from "../../api/src/config/exposed-entities.js";
import { killAll, spawnRepoScript } from "./child-processes.js";
import type { ProcessExit } from "./child-processes.js";

const LISTENING_PREFIX = "Service Bus Bridge listening on ";
const API_KEY_PREFIX = "API key: ";

/** A running API server process. */
export interface ApiProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** The demo key it printed (embedded-emulator mode only). */
  readonly demoKey: string | undefined;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<ProcessExit>;
  /** Sends a signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<ProcessExit>;
}

const running = new Set<ChildProcess>();

/**
 * Starts the server with `env` added to this process's environment (PORT defaults to 0, HOST to
 * 127.0.0.1, LOG_LEVEL to warn) and resolves once it printed its address.
 * @throws Error (with the process's output) when it exits first or prints nothing within `timeoutMs`.
 */
export async function startApiProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ApiProcess> {
  const { child, out, err, exited } = spawnRepoScript("api/src/server.ts", [], { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env }, running);

  const lines = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      child.kill("SIGKILL");
      reject(new Error(`The API printed no address within ${timeoutMs} ms.\nstdout: ${out.join("")}\nstderr: ${err.join("")}`));
    }, timeoutMs);
    const onData = (): void => {
      const complete = out.join("").split("\n").slice(0, -1);
      // The server prints its address, then (in demo mode) the key, in one write.
      if (complete.some((line) => line.startsWith(LISTENING_PREFIX))) {
        cleanup();
        resolve(complete);
      }
    };
    const onExit = (exit: ProcessExit): void => {
      cleanup();
      reject(new Error(`The API exited (code ${exit.code}, signal ${exit.signal}) before listening.\nstdout: ${out.join("")}\nstderr: ${err.join("")}`));
    };
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
    }
    child.stdout?.on("data", onData);
    exited.then(onExit, reject);
  });
  const address =
    lines
      .find((line) => line.startsWith(LISTENING_PREFIX))
      ?.slice(LISTENING_PREFIX.length)
      .trim() ?? "";
  const port = Number(/:(\d+)$/.exec(address)?.[1]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`No port in the address '${address}'.`);
  const demoKey = lines
    .find((line) => line.startsWith(API_KEY_PREFIX))
    ?.slice(API_KEY_PREFIX.length)
    .trim();
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    demoKey,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** SIGKILLs every API child these helpers started that is still running, and waits until they are gone. */
export async function killApiProcesses(): Promise<void> {
  await killAll(running);
}

/** One key of a configuration file written by {@link writeApiConfigFile}. */
export interface ApiConfigKey {
  name: string;
  /** The plain key; the file stores its SHA-256. */
  key: string;
  scopes: Scope[];
  entities?: string[];
}

/**
 * Writes a CONFIG_FILE (entities and hashed keys, plus any `otherSections` such as `sessions`) into `dir` and
 * returns its path.
 */
export async function writeApiConfigFile(
  dir: string,
  entities: ExposedEntities,
  keys: readonly ApiConfigKey[],
  otherSections: Record<string, unknown> = {},
): Promise<string> {
  const file = path.join(dir, "bridge.json");
  const config = {
    ...otherSections,
    entities: { queues: [...entities.queues], topics: entities.topics.map((topic) => ({ name: topic.name, subscriptions: [...topic.subscriptions] })) },
    apiKeys: keys.map((each) => ({ name: each.name, sha256: hashApiKey(each.key), scopes: each.scopes, entities: each.entities ?? ["*"] })),
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, "utf8");
  return file;
}
