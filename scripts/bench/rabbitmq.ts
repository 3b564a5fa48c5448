/**
 * The optional RabbitMQ comparison: finds Debian's rabbitmq-server (installing it only when asked with
 * --with-rabbitmq), starts a private node with the AMQP 1.0 plugin on loopback ports with its data in a temp
 * folder, and stops it again. Nothing of the system's own RabbitMQ configuration or service is used.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { freeLoopbackPort, runCommand, waitForAmqp } from "./lib/processes.js";
import { makeTempDir, removeTempDir } from "./lib/temp.js";
import { waitForExit } from "./lib/child-control.js";

const SERVER_CANDIDATES = ["/usr/lib/rabbitmq/bin/rabbitmq-server", "/usr/sbin/rabbitmq-server"];

/** The rabbitmq-server executable, or undefined when RabbitMQ is not installed. */
export async function findRabbitmqServer(): Promise<string | undefined> {
  const found = SERVER_CANDIDATES.find((candidate) => existsSync(candidate));
  if (found) return found;
  const which = await runCommand("which", ["rabbitmq-server"], { timeoutMs: 5_000 });
  const onPath = which.output.trim().split("\n")[0];
  return which.code === 0 && onPath ? onPath : undefined;
}

/** `apt-get install -y rabbitmq-server` (after `apt-get update` when the first try fails). Only for --with-rabbitmq. */
export async function installRabbitmq(log: (line: string) => void): Promise<{ ok: boolean; detail: string }> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = (): ReturnType<typeof runCommand> =>
    runCommand("apt-get", ["install", "-y", "--no-install-recommends", "rabbitmq-server"], { env, timeoutMs: 600_000 });
  log("--with-rabbitmq: apt-get install -y rabbitmq-server");
  let result = await install();
  if (result.code !== 0) {
    log("apt-get install failed; running apt-get update and trying again");
    await runCommand("apt-get", ["update"], { env, timeoutMs: 300_000 });
    result = await install();
  }
  const tail = result.output.trim().split("\n").slice(-3).join(" / ");
  return { ok: result.code === 0, detail: tail };
}

export interface RabbitmqNode {
  readonly host: string;
  readonly port: number;
  readonly version: string;
  /** Milliseconds from spawning the node to its first answered AMQP connection. */
  readonly startMs: number;
  stop(): Promise<void>;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** The installed version, from the path of the server's scripts (…/rabbitmq_server-3.10.8/sbin/…). */
function rabbitmqVersion(server: string): string {
  try {
    return /rabbitmq_server-([\d.]+)/.exec(realpathSync(server))?.[1] ?? "unknown version";
  } catch {
    return "unknown version";
  }
}

/**
 * Starts a private RabbitMQ node: its own epmd on a loopback port, the node's AMQP listener and distribution
 * port on 127.0.0.1, data and logs in a temp folder, the AMQP 1.0 plugin enabled, the guest user (loopback only).
 * The node runs in its own process group, which `stop()` (and the exit of this process) ends.
 */
export async function startRabbitmq(server: string, log: (line: string) => void): Promise<RabbitmqNode> {
  const home = makeTempDir("bench-rabbitmq-");
  const [amqpPort, distPort, epmdPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  writeFileSync(path.join(home, "enabled_plugins"), "[rabbitmq_amqp1_0].\n");
  writeFileSync(path.join(home, "rabbitmq.conf"), `listeners.tcp.default = 127.0.0.1:${amqpPort}\nloopback_users.guest = true\n`);
  writeFileSync(path.join(home, "rabbitmq-env.conf"), "");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_NODENAME: "bench@localhost",
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(home, "mnesia"),
    RABBITMQ_LOG_BASE: path.join(home, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(home, "enabled_plugins"),
    RABBITMQ_CONFIG_FILE: path.join(home, "rabbitmq.conf"),
    RABBITMQ_CONF_ENV_FILE: path.join(home, "rabbitmq-env.conf"),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
  };
  const epmd = spawn("epmd", ["-address", "127.0.0.1", "-port", String(epmdPort)], { env, stdio: "ignore", detached: true });
  const started = performance.now();
  const node = spawn(server, [], { env, cwd: home, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-4000);
  };
  node.stdout?.on("data", collect);
  node.stderr?.on("data", collect);
  const killAll = (): void => {
    killGroup(node, "SIGKILL");
    killGroup(epmd, "SIGKILL");
    removeTempDir(home);
  };
  process.once("exit", killAll);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      killGroup(node, "SIGTERM");
      if (!(await waitForExit(node, 20_000))) killGroup(node, "SIGKILL");
      await waitForExit(node, 5_000);
      killGroup(epmd, "SIGTERM");
      if (!(await waitForExit(epmd, 5_000))) killGroup(epmd, "SIGKILL");
      process.off("exit", killAll);
      removeTempDir(home);
    })();
    return stopping;
  };
  log(`starting RabbitMQ (${server}) on 127.0.0.1:${amqpPort}, data in ${home}`);
  try {
    await waitForAmqp("127.0.0.1", amqpPort, 90_000, () => node.exitCode === null && node.signalCode === null);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}; its output: ${output.trim().split("\n").slice(-5).join(" / ")}`);
  }
  return { host: "127.0.0.1", port: amqpPort, version: rabbitmqVersion(server), startMs: performance.now() - started, stop };
}
