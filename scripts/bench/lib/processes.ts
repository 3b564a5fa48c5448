/** Child-process helpers: bounded command runs, free loopback ports, waiting for an AMQP listener. */
import { spawn } from "node:child_process";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a command to completion (killing it after `timeoutMs`), collecting the tail of its output. */
export function runCommand(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-8000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\n${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The AMQP 1.0 protocol header of a SASL layer: "AMQP" 3 1 0 0. */
const AMQP_SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x03, 0x01, 0x00, 0x00]);

/**
 * Opens a TCP connection, sends the AMQP SASL protocol header and resolves once the server answers with its
 * own header: the listener has accepted and is serving the connection. Rejects on error or after `timeoutMs`.
 */
export function probeAmqp(host: string, port: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`no AMQP answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on("connect", () => socket.write(AMQP_SASL_HEADER));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 8) {
        if (received.subarray(0, 4).toString("latin1") === "AMQP") finish();
        else finish(new Error(`${host}:${port} answered with something other than an AMQP header`));
      }
    });
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error(`${host}:${port} closed the connection before answering`)));
  });
}

/** Probes until the listener answers or `timeoutMs` passes; resolves with the elapsed ms, rejects on timeout. */
export async function waitForAmqp(host: string, port: number, timeoutMs: number, stillAlive: () => boolean = () => true): Promise<number> {
  const started = performance.now();
  let lastError: unknown;
  while (performance.now() - started < timeoutMs) {
    if (!stillAlive()) throw new Error("the server process exited while starting");
    try {
      await probeAmqp(host, port);
      return performance.now() - started;
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  throw new Error(`no AMQP listener on ${host}:${port} after ${timeoutMs} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}
