/**
 * Section 4 workloads with the real `@azure/service-bus` SDK against an emulator in its own process:
 * single sends at a given concurrency, batch sends of 100, and the send + receive + complete cycle.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusMessage, ServiceBusReceiver, ServiceBusSender } from "@azure/service-bus";
import { LatencySamples, median } from "./lib/stats.js";
import { jsonBody } from "./lib/payload.js";

/** How long and how often each measurement runs. */
export interface RunSettings {
  readonly warmupMs: number;
  readonly runMs: number;
  readonly runs: number;
  /** Upper bound of messages in one run, whatever the time left. */
  readonly maxMessagesPerRun: number;
}

export interface ThroughputResult {
  /** Median of the runs' msgs/s. */
  readonly msgsPerSec: number;
  readonly runRates: readonly number[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly samples: number;
}

/** One timed run of a workload: returns the number of messages it moved. */
export type RunOnce = (deadline: number, maxMessages: number, samples: LatencySamples | undefined) => Promise<number>;

/** Warm-up, then `runs` timed runs; msgs/s is the median of the runs, latencies pool every timed run. */
export async function measure(settings: RunSettings, runOnce: RunOnce): Promise<ThroughputResult> {
  await runOnce(performance.now() + settings.warmupMs, settings.maxMessagesPerRun, undefined);
  const samples = new LatencySamples();
  const rates: number[] = [];
  for (let run = 0; run < settings.runs; run += 1) {
    const started = performance.now();
    const moved = await runOnce(started + settings.runMs, settings.maxMessagesPerRun, samples);
    const elapsedS = (performance.now() - started) / 1000;
    rates.push(moved / elapsedS);
  }
  return { msgsPerSec: median(rates), runRates: rates, p50Ms: samples.p(0.5), p99Ms: samples.p(0.99), samples: samples.count };
}

/**
 * Workloads measured side by side: each warms up, then their timed runs alternate (a, b, c, a, b, c, ...), so
 * drift in the machine's load and growth of the broker's state hit all alike. Same statistics as measure().
 */
export async function measureAlternating(settings: RunSettings, workloads: readonly RunOnce[]): Promise<ThroughputResult[]> {
  for (const runOnce of workloads) await runOnce(performance.now() + settings.warmupMs, settings.maxMessagesPerRun, undefined);
  const samples = workloads.map(() => new LatencySamples());
  const rates: number[][] = workloads.map(() => []);
  for (let run = 0; run < settings.runs; run += 1) {
    for (const [index, runOnce] of workloads.entries()) {
      const started = performance.now();
      const moved = await runOnce(started + settings.runMs, settings.maxMessagesPerRun, samples[index]);
      rates[index]?.push(moved / ((performance.now() - started) / 1000));
    }
  }
  return workloads.map((_, index) => {
    const runRates = rates[index] ?? [];
    const pooled = samples[index] ?? new LatencySamples();
    return { msgsPerSec: median(runRates), runRates, p50Ms: pooled.p(0.5), p99Ms: pooled.p(0.99), samples: pooled.count };
  });
}

/** Two workloads side by side ({@link measureAlternating}). */
export async function measurePair(settings: RunSettings, a: RunOnce, b: RunOnce): Promise<[ThroughputResult, ThroughputResult]> {
  const [first, second] = await measureAlternating(settings, [a, b]);
  if (!first || !second) throw new Error("measureAlternating returned fewer results than workloads");
  return [first, second];
}

/** Client options for benchmarking: no retries (an error must show, not be hidden by a retry), bounded waits. */
export function newBenchClient(connectionString: string): ServiceBusClient {
  return new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 30_000 } });
}

let counter = 0;
function message(): ServiceBusMessage {
  counter += 1;
  return { body: jsonBody(counter), contentType: "application/json" };
}

/** `concurrency` loops, each awaiting one `sendMessages(message)` at a time. Latency: one send. */
export function singleSends(sender: ServiceBusSender, concurrency: number): RunOnce {
  return async (deadline, maxMessages, samples) => {
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline && sent < maxMessages) {
        sent += 1;
        const started = performance.now();
        await sender.sendMessages(message());
        samples?.record(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return sent;
  };
}

/** One loop awaiting `sendMessages([100 messages])` (the SDK sends them as one batch). Latency: one batch. */
export function batchSends(sender: ServiceBusSender, batchSize: number, concurrency = 1): RunOnce {
  return async (deadline, maxMessages, samples) => {
    let sent = 0;
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline && sent < maxMessages) {
        sent += batchSize;
        const batch = Array.from({ length: batchSize }, message);
        const started = performance.now();
        await sender.sendMessages(batch);
        samples?.record(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return sent;
  };
}

export interface CycleOptions {
  /** Messages per `receiveMessages` call. */
  readonly receiveBatch: number;
  /** The producer pauses while this many messages are sent but not yet completed. */
  readonly maxBacklog: number;
  /** Concurrent producer loops, each sending arrays of `receiveBatch` messages. */
  readonly producers: number;
}

/**
 * A producer keeps the queue supplied (arrays of 32, backlog bounded) while one peek-lock receiver loops
 * `receiveMessages(32)` then `completeMessage` on each received message (the completions in parallel).
 * Counts completed messages. Latency: one `completeMessage` (the settlement round trip, durable in the store).
 */
export function sendReceiveCompleteCycle(sender: ServiceBusSender, createReceiver: () => ServiceBusReceiver, options: CycleOptions): RunOnce {
  let sentTotal = 0;
  let completedTotal = 0;
  const receiver = createReceiver();
  return async (deadline, maxMessages, samples) => {
    let completed = 0;
    const producer = async (): Promise<void> => {
      while (performance.now() < deadline && completed < maxMessages) {
        if (sentTotal - completedTotal >= options.maxBacklog) {
          await sleep(1);
          continue;
        }
        sentTotal += options.receiveBatch;
        await sender.sendMessages(Array.from({ length: options.receiveBatch }, message));
      }
    };
    const consumer = async (): Promise<void> => {
      while (performance.now() < deadline && completed < maxMessages) {
        const remainingMs = Math.max(1, Math.min(1000, deadline - performance.now()));
        const received = await receiver.receiveMessages(options.receiveBatch, { maxWaitTimeInMs: remainingMs });
        await Promise.all(
          received.map(async (each) => {
            const started = performance.now();
            await receiver.completeMessage(each);
            samples?.record(performance.now() - started);
          }),
        );
        completed += received.length;
        completedTotal += received.length;
      }
    };
    await Promise.all([...Array.from({ length: options.producers }, producer), consumer()]);
    return completed;
  };
}
