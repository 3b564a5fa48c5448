/**
 * Section 5, memory: an emulator child holding N stored 1 KB messages, filled through the SDK in batches of
 * 100. RSS is the child's alone, read after a full GC (`--expose-gc`); for the durable store also the restart
 * that loads the N messages back from SQLite.
 */
import { performance } from "node:perf_hooks";
import { startEmulatorProcess } from "./lib/emulator-process.js";
import { makeTempDir, removeTempDir } from "./lib/temp.js";
import type { EmulatorStats, StoreKind } from "./lib/emulator-process.js";
import { batchSends, newBenchClient } from "./sdk-workloads.js";

export interface MemoryResult {
  readonly store: StoreKind;
  readonly requested: number;
  readonly empty: EmulatorStats;
  readonly filled: EmulatorStats;
  readonly fillMs: number;
  /** Durable only: the emulator restarted on the same data, holding the messages it loaded. */
  readonly restart?: { readonly createEmulatorMs: number; readonly readyAfterForkMs: number; readonly stats: EmulatorStats };
}

/** Fills an emulator of the given store with `count` messages (bounded by `fillTimeoutMs`) and reads its memory. */
export async function measureStoredMessages(store: StoreKind, count: number, fillTimeoutMs: number, nodeFlags: readonly string[] = []): Promise<MemoryResult> {
  const dataDir = store === "durable" ? makeTempDir("bench-rss-") : undefined;
  try {
    const emulator = await startEmulatorProcess({ store, nodeFlags, ...(dataDir ? { dataDir } : {}) });
    let empty: EmulatorStats;
    let filled: EmulatorStats;
    let fillMs: number;
    try {
      empty = await emulator.stats();
      const client = newBenchClient(emulator.connectionString);
      try {
        const sender = client.createSender("bench");
        const started = performance.now();
        const fill = batchSends(sender, 100, 4);
        await fill(started + fillTimeoutMs, count, undefined);
        fillMs = performance.now() - started;
        await sender.close();
      } finally {
        await client.close();
      }
      filled = await emulator.stats();
    } finally {
      await emulator.stop();
    }
    if (!dataDir) return { store, requested: count, empty, filled, fillMs };
    const restarted = await startEmulatorProcess({ store, dataDir, nodeFlags, startTimeoutMs: 120_000 });
    try {
      const stats = await restarted.stats();
      return {
        store,
        requested: count,
        empty,
        filled,
        fillMs,
        restart: { createEmulatorMs: restarted.startMs, readyAfterForkMs: restarted.readyAfterForkMs, stats },
      };
    } finally {
      await restarted.stop();
    }
  } finally {
    if (dataDir) removeTempDir(dataDir);
  }
}
