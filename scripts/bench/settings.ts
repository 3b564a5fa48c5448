/** The benchmark's settings: run lengths, sizes and the shared names of its emulator entities. */
import type { RunSettings } from "./sdk-workloads.js";

/** The queue every emulator measurement uses. */
export const QUEUE = "bench";
/** The emulator's default SAS key, for clients that sign their own tokens (the rhea comparison). */
export const SAS = { keyName: "RootManageSharedAccessKey", key: "SAS_KEY_VALUE" };
/** The send + receive + complete cycle of sections 4b and 4c. */
export const CYCLE = { receiveBatch: 32, maxBacklog: 1024, producers: 2 };

/** How long and how big one benchmark run is. */
export interface Settings {
  readonly name: "default" | "quick";
  readonly run: RunSettings;
  readonly storedMessages: number;
  /**
   * Warm-up of each side in sections 1-3: the API's request path runs through far more code than an SDK call
   * and needs ~10,000 requests before V8 has optimised it (measured: API CPU per request fell from 535 to 330 µs
   * over the first 20,000 requests), so the generic warm-up would measure it half cold.
   */
  readonly apiWarmupMs: number;
  /** Section 5c: locks the API holds while its RSS is read. */
  readonly heldLocks: number;
  readonly fillTimeoutMs: number;
  readonly startRuns: number;
  /** The whole run is abandoned (exit 1) past this. */
  readonly watchdogMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  name: "default",
  run: { warmupMs: 1_000, runMs: 2_000, runs: 5, maxMessagesPerRun: 200_000 },
  apiWarmupMs: 5_000,
  storedMessages: 100_000,
  heldLocks: 10_000,
  fillTimeoutMs: 120_000,
  startRuns: 5,
  watchdogMs: 15 * 60_000,
};

export const QUICK_SETTINGS: Settings = {
  name: "quick",
  run: { warmupMs: 250, runMs: 500, runs: 3, maxMessagesPerRun: 50_000 },
  apiWarmupMs: 1_500,
  storedMessages: 20_000,
  heldLocks: 2_000,
  fillTimeoutMs: 30_000,
  startRuns: 3,
  watchdogMs: 5 * 60_000,
};
