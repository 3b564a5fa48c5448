/** Temp folders of the benchmark, removed when done and, should the run die, when the process exits. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const live = new Set<string>();
let hooked = false;

function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Best effort: a folder still in use is left in the temp directory.
  }
}

/** A new folder under the OS temp directory; remove it with `removeTempDir`. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  live.add(dir);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const each of live) removeQuietly(each);
    });
  }
  return dir;
}

export function removeTempDir(dir: string): void {
  live.delete(dir);
  removeQuietly(dir);
}

/** Keeps a folder made by `makeTempDir`: it is no longer removed when the process exits. */
export function keepTempDir(dir: string): void {
  live.delete(dir);
}
