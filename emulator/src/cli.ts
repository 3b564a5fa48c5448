/**
 * `npm run emulator -- [--config FILE] [--port N] [--host H] [--data-dir DIR | --in-memory]`
 * Starts the emulator, prints its connection string, and serves until SIGINT or SIGTERM.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadEmulatorConfigFile, defaultEmulatorConfig } from "./config/emulator-config.js";
import { createEmulator, DEFAULT_MAX_MESSAGE_SIZE_IN_BYTES } from "./create-emulator.js";
import { DEFAULT_ADMIN_PORT, DEFAULT_AMQP_PORT, defaultAdminPort } from "./default-ports.js";

const USAGE = `Usage: npm run emulator -- [options]

Options:
  --config FILE            Config.json in the official Service Bus emulator's format (default: queue.1, topic.1/subscription.1)
  --port N                 AMQP port (default ${DEFAULT_AMQP_PORT}; 0 picks a free port)
  --host HOST              interface to bind (default 127.0.0.1)
  --data-dir DIR           folder of the durable message store (default .data/emulator)
  --in-memory              keep messages in memory only
  --durability MODE        normal (survives a crash of the emulator; default) or full (also a power cut)
  --admin-port N           HTTPS port of the management API for ServiceBusAdministrationClient (default ${DEFAULT_ADMIN_PORT}
                           with the default --port, otherwise a free port; 0 picks a free port)
  --no-admin               serve no management API
  --max-message-size N     largest message in bytes (default ${DEFAULT_MAX_MESSAGE_SIZE_IN_BYTES})
  --log-level LEVEL        fatal, error, warn, info (default), debug or silent
  --help                   show this text`;

function fail(message: string): never {
  process.stderr.write(`emulator: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integerOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    fail(`--${name} must be a whole number from ${min} to ${max}, got '${value}'.`);
  }
  return Number(value);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        config: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        "in-memory": { type: "boolean" },
        durability: { type: "string" },
        "max-message-size": { type: "string" },
        "admin-port": { type: "string" },
        "no-admin": { type: "boolean" },
        "log-level": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values["in-memory"] && values["data-dir"]) fail("--in-memory and --data-dir exclude each other.");
  const durability = values.durability ?? "normal";
  if (durability !== "normal" && durability !== "full") fail(`--durability must be normal or full, got '${durability}'.`);
  const levels = ["fatal", "error", "warn", "info", "debug", "silent"];
  const level = values["log-level"] ?? "info";
  if (!levels.includes(level)) fail(`--log-level must be one of ${levels.join(", ")}, got '${level}'.`);

  let config;
  try {
    config = values.config ? loadEmulatorConfigFile(values.config) : defaultEmulatorConfig();
  } catch (error) {
    process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const dataDir = values["in-memory"] ? undefined : path.resolve(values["data-dir"] ?? ".data/emulator");
  const logger = pino({ level, base: { component: "emulator" } }, pino.destination(2));
  const port = integerOption(values.port, "port", 0, 65535) ?? DEFAULT_AMQP_PORT;
  const emulator = await createEmulator({
    config,
    port,
    host: values.host ?? "127.0.0.1",
    dataDir,
    durability,
    maxMessageSizeInBytes: integerOption(values["max-message-size"], "max-message-size", 1024, 100 * 1024 * 1024),
    adminPort: values["no-admin"] ? undefined : (integerOption(values["admin-port"], "admin-port", 0, 65535) ?? defaultAdminPort(port)),
    logger,
  });
  // Before the banner: whoever reads it may stop the emulator at once, and must find it ready to shut down cleanly.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const entities = [
    ...emulator.broker.queues().map((queue) => queue.path),
    ...emulator.broker.topics().flatMap((topic) => [topic.path, ...[...topic.subscriptions.values()].map((sub) => sub.path)]),
  ];
  process.stdout.write(
    [
      `Service Bus emulator listening on ${emulator.host}:${emulator.port} (${dataDir ? `durable store in ${dataDir}` : "in memory"})`,
      `Entities: ${entities.join(", ") || "(none)"}`,
      `Connection string: ${emulator.connectionString}`,
      ...(emulator.admin
        ? [
            `Management API (HTTPS): ${emulator.admin.connectionString}`,
            `  trust its certificate: ${dataDir ? path.join(dataDir, "admin-tls-cert.pem") : "(generated in memory; use --data-dir to keep one)"}`,
          ]
        : []),
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
