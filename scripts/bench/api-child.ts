/**
 * The HTTP API under test, in its own process (the emulator runs in another, the load generator in the bench
 * process). Built like `npm start` builds it for a connection string: the real SDK client with server.ts's retry
 * options, the gateway, `createApp`, pino at info to stdout (the parent discards stdout, so the cost of writing
 * the lines is measured, not the reader). The API key is generated per run and only its hash is configured.
 * Started by `lib/api-process.ts` with `fork`; talks over the IPC channel:
 *   -> { type: "ready", port, readyAtUs }
 *   <- { type: "stats" }  -> { type: "stats", rss, heapUsed, external }
 *   <- { type: "cpu" }    -> { type: "cpu", userUs, systemUs } (process.cpuUsage() so far)
 *   <- { type: "close" } (or the parent going away): closes the server and the gateway, then exits.
 * Arguments: --connection-string CS --api-key KEY [--queue NAME]... [--log-level LEVEL]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import {
  DEMO_EVENT_CATALOG_DIR,
  HTTP_CALLER_CLIENT_OPTIONS,
  createApp,
  createLogger,
  createServiceBusClients,
  createServiceBusGateway,
  hashApiKey,
  loadEventCatalog,
} from "../../api/src/index.js";

function send(message: object): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "connection-string": { type: "string" },
      "api-key": { type: "string" },
      queue: { type: "string", multiple: true },
      "log-level": { type: "string" },
    },
    strict: true,
  });
  const connectionString = values["connection-string"];
  const apiKey = values["api-key"];
  if (!connectionString || !apiKey) throw new Error("--connection-string and --api-key are required");
  const queues = values.queue?.length ? values.queue : ["bench"];
  const logger = createLogger({ level: values["log-level"] ?? "info" });
  const { client } = createServiceBusClients({ kind: "connectionString", connectionString }, HTTP_CALLER_CLIENT_OPTIONS);
  const messaging = createServiceBusGateway({ client, logger, readinessProbe: { kind: "queue", queue: queues[0] ?? "bench" } });
  const app = createApp({
    messaging,
    logger,
    apiKeys: [{ name: "bench", sha256: hashApiKey(apiKey), scopes: ["send", "listen", "manage"], entities: ["*"] }],
    entities: { queues, topics: [] },
    eventCatalog: loadEventCatalog(DEMO_EVENT_CATALOG_DIR),
  });
  const server = createServer(app);
  // As Node's default server: keep-alive connections of the load generator stay open between requests.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closing = false;
  const close = (): void => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.closeAllConnections();
    server.close();
    messaging.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("message", (message: { type?: string }) => {
    if (message.type === "close") close();
    if (message.type === "cpu") {
      const usage = process.cpuUsage();
      send({ type: "cpu", userUs: usage.user, systemUs: usage.system });
    }
    if (message.type === "stats") {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const memory = process.memoryUsage();
      send({ type: "stats", rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
    }
  });
  process.on("disconnect", close);
  process.on("SIGTERM", close);
  const readyAtUs = Number(process.hrtime.bigint() / 1000n);
  send({ type: "ready", port, readyAtUs });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench API child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
