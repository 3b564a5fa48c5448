/**
 * The process entry point (`npm start`): the only module that reads the environment and listens.
 * Without a Service Bus connection string or namespace it starts the embedded emulator (with its
 * management API) and demo entities, and prints the Swagger UI address; when the configuration defines
 * no API keys, it also makes (and prints) a demo key.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createEmulator, demoEmulatorConfig, describeEntities } from "../../emulator/src/index.js";
import type { Emulator, EmulatorConfig } from "../../emulator/src/index.js";
import { createApp } from "./app.js";
import { createApiServer } from "./http/http-server.js";
import { hashApiKey } from "./auth/api-keys.js";
import type { ApiKeyRecord } from "./auth/api-keys.js";
import { createEntraIdAuthenticator } from "./auth/entra-id.js";
import { ConfigError } from "./config/config-error.js";
import type { QueueEntity, SubscriptionEntity } from "./contract/entity.js";
import { EventCatalogError, loadEventCatalog } from "./events/event-catalog.js";
import type { EventCatalog } from "./events/event-catalog.js";
import { demoApiKey } from "./config/demo-key.js";
import { loadConfig } from "./config/load-config.js";
import type { AppConfig } from "./config/load-config.js";
import { createLogger } from "./logger.js";
import { createAdminManagement } from "./servicebus/admin-management.js";
import { HTTP_CALLER_CLIENT_OPTIONS, createServiceBusClients } from "./servicebus/service-bus-clients.js";
import type { ServiceBusClientsTarget } from "./servicebus/service-bus-clients.js";
import { createServiceBusGateway } from "./servicebus/service-bus-gateway.js";
import { createRoutedMessaging } from "./routing/routed-messaging.js";
import type { ServiceBusClient } from "@azure/service-bus";
import type { ApiLogger } from "./logger.js";
import type { MessagingPort } from "./servicebus/messaging-port.js";
import { demoCallbackKey } from "./config/webhook-callback-key.js";
import { flaggedIfUnexpected, withTypedEvent } from "./events/typed-messages.js";
import { CallbackSeal } from "./webhooks/callback-seal.js";
import { DEFAULT_CALLBACK_HOSTS, LOOPBACK_CALLBACK_HOSTS } from "./webhooks/callback-hosts.js";
import { callbackUrlCheck, guardedPush } from "./webhooks/guarded-push.js";
import { WebhookDispatcher } from "./webhooks/webhook-dispatcher.js";
import { WebhookRegistry } from "./webhooks/webhook-registry.js";
import { WebhookSubscriptions } from "./webhooks/webhook-subscriptions.js";
import { problemOf } from "./http/problem-of-error.js";
import { traceLogFields } from "./telemetry/log-trace.js";
import { registerHeldGauges } from "./telemetry/held-gauges.js";
import { startTelemetry } from "./telemetry/start-telemetry.js";
import { tracedMessaging } from "./telemetry/traced-messaging.js";
import { telemetrySettings } from "./telemetry/telemetry-settings.js";
import type { TelemetrySettings } from "./telemetry/telemetry-settings.js";

function readinessProbe(config: AppConfig): QueueEntity | SubscriptionEntity | undefined {
  const queue = config.entities.queues[0];
  if (queue !== undefined) return { kind: "queue", queue };
  const topic = config.entities.topics.find((each) => each.subscriptions.length > 0);
  const subscription = topic?.subscriptions[0];
  return topic && subscription !== undefined ? { kind: "subscription", topic: topic.name, subscription } : undefined;
}

/** The emulator's entities but one queue (the control queue, which the API does not expose). */
function withoutQueue(emulatorConfig: EmulatorConfig, queueName: string): EmulatorConfig {
  return { ...emulatorConfig, queues: emulatorConfig.queues.filter((queue) => queue.name.toLowerCase() !== queueName.toLowerCase()) };
}

/** Where Service Bus is; in embedded-emulator mode the emulator, its entities and (without configured keys) the demo key. */
interface StartedServiceBus {
  target: ServiceBusClientsTarget;
  emulator?: { instance: Emulator; config: EmulatorConfig };
  demoKey?: string;
}

async function startServiceBus(config: AppConfig): Promise<StartedServiceBus> {
  const serviceBus = config.serviceBus;
  if (serviceBus.kind === "connectionString") return { target: { kind: "connectionString", connectionString: serviceBus.connectionString } };
  if (serviceBus.kind === "namespace") return { target: { kind: "namespace", fullyQualifiedNamespace: serviceBus.fullyQualifiedNamespace } };
  const emulatorConfig = demoEmulatorConfig();
  const emulator = await createEmulator({
    config: emulatorConfig,
    port: serviceBus.port,
    // The management API (HTTPS) on a free port: backlog counts and CreateSubscription / DeleteSubscription.
    adminPort: 0,
    ...(serviceBus.dataDir === undefined ? {} : { dataDir: serviceBus.dataDir }),
    // The emulator logs every connection and link at info; keep that for debugging sessions only.
    logger: createLogger({ component: "emulator", level: ["debug", "trace"].includes(config.logLevel) ? config.logLevel : "warn" }),
  });
  return {
    target: { kind: "emulator", connectionString: emulator.connectionString, ...(emulator.admin ? { admin: emulator.admin } : {}) },
    emulator: { instance: emulator, config: emulatorConfig },
    // A full-access key only when the configuration defines none: configured keys and their scopes are then the only way in.
    ...(config.apiKeys.length === 0 ? { demoKey: demoApiKey(serviceBus.dataDir === undefined ? undefined : config.dataDir) } : {}),
  };
}

/**
 * Webhook triggers, when a callback key is configured (`WEBHOOK_CALLBACK_KEY`; in the embedded-emulator demo one
 * is kept in the data folder, and callbacks may go to loopback over http so a developer can try them locally).
 */
function startWebhooks(
  config: AppConfig,
  serviceBus: StartedServiceBus,
  deps: { client: ServiceBusClient; messaging: MessagingPort; eventCatalog: EventCatalog; logger: ApiLogger },
): { subscriptions: WebhookSubscriptions; dispatcher: WebhookDispatcher } | undefined {
  const demo = serviceBus.emulator !== undefined;
  const dataDir = config.serviceBus.kind === "embeddedEmulator" && config.serviceBus.dataDir !== undefined ? config.dataDir : undefined;
  const callbackKey = config.webhooks.callbackKey ?? (demo ? demoCallbackKey(dataDir) : undefined);
  if (!callbackKey) {
    deps.logger.info("webhook triggers are off: set WEBHOOK_CALLBACK_KEY (the same on every instance) to turn them on");
    return undefined;
  }
  const allowedHosts = [...(config.webhooks.allowedCallbackHosts ?? DEFAULT_CALLBACK_HOSTS), ...(demo ? LOOPBACK_CALLBACK_HOSTS : [])];
  // http to loopback: always in the demo, elsewhere only when the config file asks (tests, local use).
  const policy = { allowedHosts, allowLoopbackHttp: demo || config.webhooks.allowLoopbackHttp };
  const registry = new WebhookRegistry(deps.client, { queueName: config.controlQueue });
  const seal = new CallbackSeal(callbackKey);
  const dispatcher = new WebhookDispatcher({
    registry,
    messaging: deps.messaging,
    seal,
    push: guardedPush(policy),
    prepare: (message, record) =>
      flaggedIfUnexpected(withTypedEvent(deps.eventCatalog, message), record.eventType === undefined ? undefined : deps.eventCatalog.find(record.eventType)),
    logger: deps.logger.child({ area: "webhooks" }),
  });
  const subscriptions = new WebhookSubscriptions({ registry, seal, checkCallbackUrl: callbackUrlCheck(policy), dispatcher });
  return { subscriptions, dispatcher };
}

async function main(): Promise<void> {
  let config: AppConfig;
  let eventCatalog: EventCatalog;
  let telemetryTo: TelemetrySettings | undefined;
  try {
    config = loadConfig(process.env, (file) => readFileSync(file, "utf8"));
    eventCatalog = loadEventCatalog(config.eventCatalogDir);
    telemetryTo = telemetrySettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof EventCatalogError) {
      process.stderr.write(`service-bus-bridge: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Off (neither APPLICATIONINSIGHTS_CONNECTION_STRING nor OTEL_EXPORTER_OTLP_ENDPOINT): nothing of it is loaded.
  const telemetry = telemetryTo ? await startTelemetry(telemetryTo) : undefined;
  const logger = createLogger({ level: config.logLevel, ...(telemetry ? { mixin: traceLogFields } : {}) });
  const serviceBus = await startServiceBus(config);
  const apiKeys: ApiKeyRecord[] = [...config.apiKeys];
  if (serviceBus.demoKey !== undefined) {
    apiKeys.push({ name: "demo", sha256: hashApiKey(serviceBus.demoKey), scopes: ["send", "listen", "manage"], entities: ["*"] });
  }
  if (config.entities.queues.length === 0 && config.entities.topics.length === 0) {
    logger.warn('no entities are exposed: list them under "entities" in the CONFIG_FILE');
  }
  const { client, admin } = createServiceBusClients(serviceBus.target, HTTP_CALLER_CLIENT_OPTIONS);
  const management = admin ? createAdminManagement({ admin, logger }) : undefined;
  const probe = readinessProbe(config);
  const gateway = createServiceBusGateway({
    client,
    logger,
    ...(probe ? { readinessProbe: probe } : {}),
    sessionRegistry: { idleReleaseInMs: config.sessionIdleReleaseInMs },
    ...(management ? { requiresSession: (source) => management.requiresSession(source) } : {}),
  });
  // Session calls reach the instance holding the session, whichever instance they land on (routing/).
  const routed = createRoutedMessaging({
    local: gateway,
    client,
    controlQueue: config.controlQueue,
    callDeadlineInMs: config.forwardedCallDeadlineInMs,
    problemOf: (error) => problemOf(error).problem,
    logger,
  });
  const messaging = telemetry ? tracedMessaging(routed, telemetry.meter) : routed;
  const webhooks = startWebhooks(config, serviceBus, { client, messaging, eventCatalog, logger });
  if (telemetry) registerHeldGauges(telemetry.meter, gateway);
  const app = createApp({
    messaging,
    ...(management ? { management } : {}),
    logger,
    apiKeys,
    ...(config.entraId ? { entraId: createEntraIdAuthenticator(config.entraId) } : {}),
    entities: config.entities,
    eventCatalog,
    eventSource: config.eventSource,
    jsonBodyLimitInBytes: config.jsonBodyLimitInBytes,
    ...(config.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.publicBaseUrl }),
    ...(telemetry ? { telemetryMeter: telemetry.meter } : {}),
    ...(webhooks ? { webhooks: webhooks.subscriptions } : {}),
  });
  const server: Server = createApiServer(app, { logger });
  // Responses in progress when shutdown starts, or begun after it on a connection still open, tell their client
  // to close the connection: one kept alive would hold the process (and its sessions) until its keep-alive timeout.
  let stopping = false;
  const inProgress = new Set<ServerResponse>();
  server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
    if (stopping) response.setHeader("Connection", "close");
    inProgress.add(response);
    response.once("close", () => inProgress.delete(response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Before the banner: whoever reads it may stop the API at once, and must find it ready to shut down cleanly.
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    for (const response of inProgress) if (!response.headersSent) response.setHeader("Connection", "close");
    logger.info({ signal }, "shutting down: no new requests; releasing held sessions; waiting for requests in progress, then closing links");
    // Sessions first, so other instances take them at once instead of after the requests in progress.
    void routed.releaseSessions().catch((error: unknown) => logger.warn({ err: error }, "held sessions not released"));
    // Webhook deliveries take no new message from now on; the ones in flight finish and are settled.
    const webhooksDrained = webhooks?.dispatcher.stop();
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    server.close(() => {
      void (async () => {
        await webhooksDrained;
        await messaging.close();
        await serviceBus.emulator?.instance.close();
        await telemetry?.shutdown();
        logger.info("stopped");
        process.exit(0);
      })().catch((error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
    });
    server.closeIdleConnections();
  };
  // Webhook deliveries need the control queue (the registry lives there): they start once routing has.
  if (webhooks) {
    void routed.routingStarted().then((started) => {
      if (started && !stopping) webhooks.dispatcher.start();
      else if (!started) logger.warn("webhook triggers deliver nothing without the control queue");
    });
  }
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const lines = [`Service Bus Bridge listening on http://${shownHost}:${port}`, `Swagger UI: http://${shownHost}:${port}/docs`];
  if (serviceBus.emulator) {
    lines.push(
      `Service Bus: embedded emulator (${config.serviceBus.kind === "embeddedEmulator" && config.serviceBus.dataDir ? `data in ${config.serviceBus.dataDir}` : "in memory"}), connection string ${serviceBus.emulator.instance.connectionString}`,
      `Entities: ${describeEntities(withoutQueue(serviceBus.emulator.config, config.controlQueue))}`,
      `Control queue: ${config.controlQueue} (session calls routed between instances of the API; not exposed)`,
    );
  }
  if (serviceBus.demoKey !== undefined) lines.push(`API key: ${serviceBus.demoKey}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`service-bus-bridge: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
