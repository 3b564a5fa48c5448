/**
 * Test helper: several API instances over one Service Bus, as in a scaled-out deployment. One emulator process,
 * N API processes (`npm start`'s entry point) sharing nothing but that emulator, and a round-robin proxy in front
 * that sends each request to the next instance, without stickiness.
 *
 * Every process is a real child process (tracked by the emulator and API helpers), so an instance can be killed
 * with SIGKILL or stopped with SIGTERM. Call `close()` in `afterAll`: it kills everything it started.
 */
import type { ApiConfigKey, ApiProcess } from "./api-process.js";
import { startApiProcess, writeApiConfigFile } from "./api-process.js";
import type { ProcessExit } from "./child-processes.js";
import type { EmulatorEntities, EmulatorProcess } from "./emulator-process.js";
import { startEmulatorProcess, temporaryDirectory, writeEmulatorConfigFile } from "./emulator-process.js";
import { startRoundRobinProxy } from "./round-robin-proxy.js";
import type { RoundRobinProxy } from "./round-robin-proxy.js";

/** The entities of every cluster's emulator. The API instances expose all of them but `controlQueue`. */
export const CLUSTER_ENTITIES = {
  /** A queue without sessions. */
  queue: "tasks",
  /** Two session-enabled queues. */
  sessionQueues: ["session-tasks", "session-cases"],
  /** A topic whose subscription has no sessions. */
  topic: "events",
  subscription: "audit",
  /** A topic whose subscription requires sessions. */
  sessionTopic: "session-events",
  sessionSubscription: "ordered",
  /** The session-enabled queue of the API's own traffic between instances (not exposed to callers). */
  controlQueue: "bridge-control",
} as const;

/** The API key every instance accepts, with the send and listen scopes on every exposed entity. */
export const CLUSTER_API_KEY = "multi-instance-test-key-7d41b2";

export interface ApiClusterOptions {
  /** How many API instances (default 3). */
  instances?: number;
  /** The lock duration of every queue and subscription, in seconds (default 5, Service Bus's minimum). */
  lockDurationSeconds?: number;
  /** The maximum delivery count of every queue and subscription (default 10). */
  maxDeliveryCount?: number;
  /** Environment variables added for every API instance. */
  env?: Record<string, string>;
  /** Environment variables added for one instance (by index), after `env`: an instance id, for example. */
  instanceEnv?: (index: number) => Record<string, string>;
  /** More sections of every instance's CONFIG_FILE (such as `sessions`), beside `entities` and `apiKeys`. */
  apiConfigSections?: Record<string, unknown>;
  /** How long each process may take to start and become ready (default 90 s: processes start slowly on a loaded machine). */
  startTimeoutMs?: number;
}

/** One API instance of a cluster. */
export interface ClusterInstance {
  /** Its position in `instances`, and its upstream index in the proxy. */
  readonly index: number;
  readonly process: ApiProcess;
  /** The instance's own address (`http://127.0.0.1:PORT`), to call it without the proxy. */
  readonly baseUrl: string;
  /** Takes the instance out of the proxy's rotation, then sends `signal` and waits for the process to exit. */
  stop(signal: "SIGKILL" | "SIGTERM"): Promise<ProcessExit>;
}

/** An HTTP answer of {@link ApiCluster.request}. */
export interface ClusterResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON content types, else the text ("" when empty). */
  body: unknown;
  /**
   * The index of the instance that served the call: the one whose proxy count rose. Undefined when other
   * requests went through the proxy at the same time, so it cannot be told.
   */
  servedBy: number | undefined;
}

export interface ClusterRequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Call this instance directly instead of going through the proxy. */
  instance?: number;
  /** Give up (the call fails, as a hang must) after this long (default 30 s). */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** A running cluster. */
export interface ApiCluster {
  /** The proxy's address: where callers send requests. */
  readonly url: string;
  readonly apiKey: string;
  readonly proxy: RoundRobinProxy;
  readonly instances: readonly ClusterInstance[];
  /** The emulator's connection string, for SDK clients that send or check behind the API's back. */
  readonly connectionString: string;
  readonly emulator: EmulatorProcess;
  /** Calls the API with the cluster's key, through the proxy (or one instance), and tells which instance served it. */
  request(method: string, path: string, options?: ClusterRequestOptions): Promise<ClusterResponse>;
  /** Kills every process and the proxy, and removes the temporary files. */
  close(): Promise<void>;
}

function emulatorEntities(lockDurationSeconds: number, maxDeliveryCount: number): EmulatorEntities {
  const receivable = { LockDuration: `PT${lockDurationSeconds}S`, MaxDeliveryCount: maxDeliveryCount };
  const withSessions = { ...receivable, RequiresSession: true };
  const names = CLUSTER_ENTITIES;
  return {
    queues: {
      [names.queue]: receivable,
      ...Object.fromEntries(names.sessionQueues.map((name) => [name, withSessions])),
      [names.controlQueue]: withSessions,
    },
    topics: {
      [names.topic]: { subscriptions: { [names.subscription]: receivable } },
      [names.sessionTopic]: { subscriptions: { [names.sessionSubscription]: withSessions } },
    },
  };
}

/** Polls an instance's /readyz (directly, so the proxy's counts stay those of the tests) until it answers 200. */
async function waitUntilReady(api: ApiProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${api.baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The API at ${api.baseUrl} was not ready within ${timeoutMs} ms (last: ${last}).\nstderr: ${api.stderr()}`);
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  return /\bjson\b/.test(response.headers.get("content-type") ?? "") && text !== "" ? JSON.parse(text) : text;
}

/**
 * Starts an emulator, `instances` API processes on it and a round-robin proxy in front.
 * @throws Error (with the failing process's output) when a process does not start or get ready in time; whatever
 *   was started is killed first.
 */
export async function startApiCluster(options: ApiClusterOptions = {}): Promise<ApiCluster> {
  const count = options.instances ?? 3;
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const dir = await temporaryDirectory("sb-api-cluster-");
  const started: Array<{ kill(signal: NodeJS.Signals): Promise<ProcessExit> }> = [];
  let proxy: RoundRobinProxy | undefined;
  const killEverything = async (): Promise<void> => {
    await proxy?.close();
    await Promise.all(started.map((each) => each.kill("SIGKILL")));
    await dir.remove();
  };

  try {
    const emulatorConfig = await writeEmulatorConfigFile(dir.path, emulatorEntities(options.lockDurationSeconds ?? 5, options.maxDeliveryCount ?? 10));
    const emulator = await startEmulatorProcess(
      ["--port", "0", "--no-admin", "--in-memory", "--config", emulatorConfig, "--log-level", "warn"],
      startTimeoutMs,
    );
    started.push(emulator);

    const names = CLUSTER_ENTITIES;
    const key: ApiConfigKey = { name: "multi-instance", key: CLUSTER_API_KEY, scopes: ["send", "listen"] };
    const apiConfig = await writeApiConfigFile(
      dir.path,
      {
        queues: [names.queue, ...names.sessionQueues],
        topics: [
          { name: names.topic, subscriptions: [names.subscription] },
          { name: names.sessionTopic, subscriptions: [names.sessionSubscription] },
        ],
      },
      [key],
      options.apiConfigSections,
    );
    const env = { SERVICEBUS_CONNECTION_STRING: emulator.connectionString, CONFIG_FILE: apiConfig, DATA_DIR: dir.path, ...options.env };
    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, index) => startApiProcess({ ...env, ...options.instanceEnv?.(index) }, startTimeoutMs)),
    );
    for (const result of results) if (result.status === "fulfilled") started.push(result.value);
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const apis = results.map((result) => (result as PromiseFulfilledResult<ApiProcess>).value);
    await Promise.all(apis.map((api) => waitUntilReady(api, startTimeoutMs)));

    const activeProxy = await startRoundRobinProxy(apis.map((api) => api.baseUrl));
    proxy = activeProxy;
    const instances: ClusterInstance[] = apis.map((api, index) => ({
      index,
      process: api,
      baseUrl: api.baseUrl,
      stop: (signal) => {
        activeProxy.takeOut(index);
        return api.kill(signal);
      },
    }));

    return {
      url: activeProxy.url,
      apiKey: CLUSTER_API_KEY,
      proxy: activeProxy,
      instances,
      connectionString: emulator.connectionString,
      emulator,
      request: async (method, path, requestOptions = {}) => {
        const direct = requestOptions.instance;
        const base = direct === undefined ? activeProxy.url : (instances[direct]?.baseUrl ?? "");
        if (base === "") throw new RangeError(`No instance ${direct}: the cluster has ${instances.length}.`);
        const before = activeProxy.requestCounts();
        const response = await fetch(`${base}${path}`, {
          method,
          headers: {
            "X-API-Key": CLUSTER_API_KEY,
            ...(requestOptions.body === undefined ? {} : { "Content-Type": "application/json" }),
            ...requestOptions.headers,
          },
          ...(requestOptions.body === undefined ? {} : { body: JSON.stringify(requestOptions.body) }),
          signal: AbortSignal.timeout(requestOptions.timeoutMs ?? 30_000),
        });
        const body = await bodyOf(response);
        const after = activeProxy.requestCounts();
        const risen = after.flatMap((countAfter, index) => (countAfter !== before[index] ? [index] : []));
        const servedBy = direct ?? (risen.length === 1 && (after[risen[0] as number] ?? 0) - (before[risen[0] as number] ?? 0) === 1 ? risen[0] : undefined);
        return { status: response.status, headers: response.headers, body, servedBy };
      },
      close: killEverything,
    };
  } catch (error) {
    await killEverything();
    throw error;
  }
}
