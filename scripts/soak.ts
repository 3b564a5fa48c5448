/**
 * Soak run (`npm run soak -- --minutes N --rate R`): the API over the embedded emulator (both in this
 * process, on loopback) under a steady load for a bounded time. Each tick sends one message to a queue
 * and one to a topic, receives from the queue and a subscription, and completes, abandons or
 * dead-letters what arrived, then the run reports the error count (goal 0) and the RSS growth after a
 * warm-up (goal < 10%). It exits non-zero only when it cannot run; goals missed are reported, not failed.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import {
  DEMO_EVENT_CATALOG_DIR,
  createApp,
  createServiceBusClients,
  createServiceBusGateway,
  hashApiKey,
  loadEventCatalog,
  silentLogger,
} from "../api/src/index.js";
import { createEmulator, parseEmulatorConfig } from "../emulator/src/index.js";

const KEY = "soak-test-key";
const QUEUE = "soak";
const TOPIC = "soak-events";
const SUBSCRIPTION = "all";

interface Options {
  minutes: number;
  rate: number;
  warmupSeconds: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { minutes: { type: "string", default: "2" }, rate: { type: "string", default: "20" }, "warmup-seconds": { type: "string", default: "15" } },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const warmupSeconds = Number(values["warmup-seconds"]);
  if (!(minutes > 0 && minutes <= 24 * 60) || !(rate > 0 && rate <= 1000) || !(warmupSeconds >= 0)) {
    throw new Error("usage: npm run soak -- [--minutes N (0-1440, default 2)] [--rate ticks per second (default 20)] [--warmup-seconds S (default 15)]");
  }
  return { minutes, rate, warmupSeconds };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

async function main(): Promise<void> {
  const options = parseOptions();
  const emulator = await createEmulator({
    config: parseEmulatorConfig({
      UserConfig: {
        Namespaces: [
          {
            Name: "sbemulatorns",
            Queues: [{ Name: QUEUE, Properties: { LockDuration: "PT30S", MaxDeliveryCount: 3 } }],
            Topics: [{ Name: TOPIC, Subscriptions: [{ Name: SUBSCRIPTION }] }],
          },
        ],
      },
    }),
  });
  const logger = silentLogger();
  const { client } = createServiceBusClients({ kind: "emulator", connectionString: emulator.connectionString });
  const messaging = createServiceBusGateway({ client, logger, readinessProbe: { kind: "queue", queue: QUEUE } });
  const app = createApp({
    messaging,
    logger,
    apiKeys: [{ name: "soak", sha256: hashApiKey(KEY), scopes: ["send", "listen"], entities: ["*"] }],
    entities: { queues: [QUEUE], topics: [{ name: TOPIC, subscriptions: [SUBSCRIPTION] }] },
    eventCatalog: loadEventCatalog(DEMO_EVENT_CATALOG_DIR),
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const counts = { requests: 0, errors: 0, sent: 0, received: 0, settled: 0 };
  const errorSamples: string[] = [];
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    counts.requests += 1;
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { "X-API-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    } catch (error) {
      counts.errors += 1;
      if (errorSamples.length < 10) errorSamples.push(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };
  const receiveAndSettle = async (path: string): Promise<void> => {
    const result = (await call("POST", `${path}/receive?maxMessages=5&maxWaitSeconds=0`)) as { messages?: Array<{ lockToken: string }> } | undefined;
    for (const [index, message] of (result?.messages ?? []).entries()) {
      counts.received += 1;
      // Mostly complete; some abandon (redelivered later) and dead-letter, so every settlement path runs.
      const action = index % 10 === 9 ? "abandon" : index % 25 === 24 ? "dead-letter" : "complete";
      await call("POST", `${path}/locks/${message.lockToken}/${action}`, action === "complete" ? undefined : {});
      counts.settled += 1;
    }
  };
  let tick = 0;
  const oneTick = async (): Promise<void> => {
    tick += 1;
    const payload = { body: { tick, at: new Date().toISOString(), padding: "x".repeat(tick % 500) }, applicationProperties: { tick } };
    await Promise.all([call("POST", `/entities/${QUEUE}/messages`, payload), call("POST", `/entities/${TOPIC}/messages`, payload)]);
    counts.sent += 2;
    await Promise.all([receiveAndSettle(`/queues/${QUEUE}`), receiveAndSettle(`/topics/${TOPIC}/subscriptions/${SUBSCRIPTION}`)]);
  };

  const durationMs = options.minutes * 60_000;
  const intervalMs = 1000 / options.rate;
  const started = Date.now();
  const warmupEnds = started + Math.min(options.warmupSeconds * 1000, durationMs / 4);
  let baselineRss: number | undefined;
  let peakRss = 0;
  const inFlight = new Set<Promise<void>>();
  process.stdout.write(`soak: ${options.minutes} min at ${options.rate} ticks/s (2 sends, 2 receives, settles each) against ${baseUrl}\n`);
  let lastReport = started;
  for (let next = started; Date.now() - started < durationMs; next += intervalMs) {
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    // Fixed rate: ticks start on schedule; a slow tick overlaps the next rather than delaying it (bounded).
    if (inFlight.size < 50) {
      const running: Promise<void> = oneTick().finally(() => inFlight.delete(running));
      inFlight.add(running);
    } else {
      counts.errors += 1;
      if (errorSamples.length < 10) errorSamples.push("tick skipped: 50 ticks already in flight");
    }
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    if (baselineRss === undefined && Date.now() >= warmupEnds) baselineRss = rss;
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      process.stdout.write(`  ${Math.round((lastReport - started) / 1000)} s: ${counts.requests} requests, ${counts.errors} errors, RSS ${megabytes(rss)}\n`);
    }
  }
  await Promise.all(inFlight);
  const finalRss = process.memoryUsage().rss;
  const baseline = baselineRss ?? finalRss;
  const growth = (finalRss - baseline) / baseline;

  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await messaging.close();
  await emulator.close();

  const lines = [
    `soak: ${counts.requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s: ${counts.sent} sent, ${counts.received} received, ${counts.settled} settled`,
    `errors: ${counts.errors} (goal 0)${counts.errors === 0 ? "" : " MISSED"}`,
    ...errorSamples.map((sample) => `  ${sample}`),
    `RSS: ${megabytes(baseline)} after warm-up -> ${megabytes(finalRss)} at the end (peak ${megabytes(peakRss)}): ${(growth * 100).toFixed(1)}% growth (goal < 10%)${growth < 0.1 ? "" : " MISSED"}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
