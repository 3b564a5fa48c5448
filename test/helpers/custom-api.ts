/**
 * Test helper: an in-process API on a free port with the keys, entities and logger a test chooses
 * (the api-fixture's instances use fixed keys and a silent logger), over a Service Bus connection string.
 */
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createApp } from "../../api/src/app.js";
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";
import { createApiServer } from "../../api/src/http/http-server.js";
import type { ExposedEntities } from "../../api/src/config/exposed-entities.js";
import { createLogger, silentLogger } from "../../api/src/logger.js";
import type { ApiLogger } from "../../api/src/logger.js";
import { createServiceBusClients } from "../../api/src/servicebus/service-bus-clients.js";
import { createServiceBusGateway } from "../../api/src/servicebus/service-bus-gateway.js";
import type { MessagingPort } from "../../api/src/servicebus/messaging-port.js";
import { TEST_EXPOSED_ENTITIES, demoEventCatalog } from "./api-fixture.js";
import { testClientOptions } from "./emulator-fixture.js";

/** Options of {@link startCustomApi}. */
export interface CustomApiOptions {
  apiKeys: readonly ApiKeyRecord[];
  entities?: ExposedEntities;
  logger?: ApiLogger;
  jsonBodyLimitInBytes?: number;
}

/** A running API instance with the base URL tests call. */
export interface CustomApi {
  baseUrl: string;
  messaging: MessagingPort;
  close(): Promise<void>;
}

/** Starts an API instance on 127.0.0.1 and a free port. */
export async function startCustomApi(connectionString: string, options: CustomApiOptions): Promise<CustomApi> {
  const logger = options.logger ?? silentLogger();
  const entities = options.entities ?? TEST_EXPOSED_ENTITIES;
  const { client } = createServiceBusClients({ kind: "emulator", connectionString }, testClientOptions);
  const messaging = createServiceBusGateway({ client, logger, readinessProbe: { kind: "queue", queue: entities.queues[0] ?? "orders" } });
  const app = createApp({
    messaging,
    logger,
    apiKeys: options.apiKeys,
    entities,
    eventCatalog: demoEventCatalog(),
    ...(options.jsonBodyLimitInBytes === undefined ? {} : { jsonBodyLimitInBytes: options.jsonBodyLimitInBytes }),
  });
  const server = createApiServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messaging,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await messaging.close();
    },
  };
}

/** A pino logger at `trace` that keeps every line it writes, for assertions on log content. */
export function capturingLogger(): { logger: ApiLogger; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      callback();
    },
  });
  return { logger: createLogger({ level: "trace", destination: stream }), text: () => chunks.join("") };
}
