/**
 * A bench script that runs the emulator in a child process of its own: the script forks itself with `--emulator`;
 * the child serves the given entities and sends its connection string back; the parent stops it by disconnecting.
 * Also the `--client-nodelay` switch the session and webhook benches share.
 */
import { fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { createEmulator } from "../../../emulator/src/index.js";
import type { EmulatorConfig } from "../../../emulator/src/index.js";

/** The emulator child of a bench script. */
export interface ForkedEmulator {
  connectionString: string;
  /** The child's process id (for its CPU time). */
  pid: number | undefined;
  stop(): void;
}

/** The child's side: serves `config`, tells the parent its connection string, and exits when the parent goes. */
export async function serveEmulatorToParent(config: EmulatorConfig): Promise<void> {
  const emulator = await createEmulator({ config });
  process.send?.({ connectionString: emulator.connectionString });
  process.on("disconnect", () => void emulator.close().then(() => process.exit(0)));
}

/** The parent's side: forks the script at `scriptUrl` (its `import.meta.url`) with `--emulator` and waits for the connection string. */
export async function forkEmulator(scriptUrl: string): Promise<ForkedEmulator> {
  const child = fork(fileURLToPath(scriptUrl), ["--emulator"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const connectionString = await new Promise<string>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { connectionString: string }).connectionString));
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { connectionString, pid: child.pid, stop: () => child.disconnect() };
}

/**
 * Sets TCP_NODELAY on every socket this process opens from now on. The SDK leaves Nagle's algorithm on, so against
 * the emulator on loopback a management request can wait ~40 ms for a delayed ACK; this shows the cost without it.
 */
export function setNoDelayOnConnect(): void {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: Parameters<typeof connect>) {
    this.setNoDelay(true);
    return connect.apply(this, args);
  } as typeof connect;
}
