/** Starts `bare-http-child.ts` (the bare HTTP server of section 1's ceiling) in its own Node process. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopChild } from "./child-control.js";

const CHILD = fileURLToPath(new URL("../bare-http-child.ts", import.meta.url));

export interface BareHttpProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** Forks the bare server and resolves once it listens. */
export async function startBareHttpProcess(startTimeoutMs = 30_000): Promise<BareHttpProcess> {
  const child = fork(CHILD, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"], env: { ...process.env, NODE_OPTIONS: "" } });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the bare HTTP server did not start within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.on("message", (message: { type?: string; port?: number }) => {
      if (message.type !== "ready") return;
      clearTimeout(timer);
      resolve(message.port ?? 0);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the bare HTTP server exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  child.on("error", () => undefined);
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop() {
      stopping ??= stopChild(child);
      return stopping;
    },
  };
}
