/** Table cells shared by the throughput sections. */
import { formatCount, formatMs } from "./stats.js";
import type { ThroughputResult } from "../sdk-workloads.js";

/** "p50 / p99" in ms, or "-" for a measurement that could not run. */
export function latencyCell(result: ThroughputResult | Error): string {
  return result instanceof Error ? "-" : `${formatMs(result.p50Ms)} / ${formatMs(result.p99Ms)}`;
}

/** The median msgs/s with the slowest and fastest run: "9,085 (3,900-9,494)". */
export function rateCell(result: ThroughputResult | Error): string {
  if (result instanceof Error) return `error: ${result.message.slice(0, 80)}`;
  const runs = result.runRates;
  if (runs.length < 2) return formatCount(result.msgsPerSec);
  return `${formatCount(result.msgsPerSec)} (${formatCount(Math.min(...runs))}-${formatCount(Math.max(...runs))})`;
}
