/** Controlling the bench's child processes: waiting for exit, asking over IPC, stopping them politely then firmly. */
import type { ChildProcess } from "node:child_process";

/** Resolves true once the child has exited, false when it is still running after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Sends `{ type }` to a forked child and resolves with its reply of the same type (within 30 s).
 * `exitReason()` names why the child is already gone, if it is.
 */
export function askChild<T extends { type?: string }>(child: ChildProcess, type: string, who: string, exitReason: () => string | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const gone = exitReason();
    if (gone) {
      reject(new Error(gone));
      return;
    }
    const timer = setTimeout(() => reject(new Error(`the ${who} child did not answer a ${type} request within 30 s`)), 30_000);
    child.on("message", function onMessage(message: T) {
      if (message.type !== type) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(message);
    });
    child.send({ type });
  });
}

/** Asks a forked child to close, then SIGTERMs and finally SIGKILLs it if it does not exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.connected) child.send({ type: "close" });
  if (await waitForExit(child, 15_000)) return;
  child.kill("SIGTERM");
  if (await waitForExit(child, 5_000)) return;
  child.kill("SIGKILL");
  await waitForExit(child, 5_000);
}
