/**
 * Test helpers for the HTTP API: an emulator on a free port, one or more API instances on free ports
 * talking to it with the real SDK, and a fetch wrapper that checks every response against the
 * contract (2xx bodies against the operation's success schema, problems against its problem codes).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { expect } from "vitest";
import { createApp } from "../../api/src/app.js";
import { DEMO_EVENT_CATALOG_DIR } from "../../api/src/config/load-config.js";
import { loadEventCatalog } from "../../api/src/events/event-catalog.js";
import type { EventCatalog } from "../../api/src/events/event-catalog.js";
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";
import { hashApiKey } from "../../api/src/auth/api-keys.js";
import type { EntraIdAuthenticator } from "../../api/src/auth/entra-id.js";
import type { ExposedEntities } from "../../api/src/config/exposed-entities.js";
import type { AnyOperation } from "../../api/src/contract/operation.js";
import { COMMON_PROBLEMS } from "../../api/src/contract/operation.js";
import { OPERATIONS } from "../../api/src/contract/registry.js";
import { createApiServer } from "../../api/src/http/http-server.js";
import { createAjv } from "../../api/src/json-schema/ajv.js";
import { silentLogger } from "../../api/src/logger.js";
import { createAdminManagement } from "../../api/src/servicebus/admin-management.js";
import type { ManagementPort } from "../../api/src/servicebus/management-port.js";
import { createServiceBusClients } from "../../api/src/servicebus/service-bus-clients.js";
import { createServiceBusGateway } from "../../api/src/servicebus/service-bus-gateway.js";
import type { MessagingPort } from "../../api/src/servicebus/messaging-port.js";
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator } from "../../emulator/src/create-emulator.js";
import { parseEmulatorConfig } from "../../emulator/src/config/emulator-config.js";
import type { EmulatorConfig } from "../../emulator/src/config/emulator-config.js";
import { testClientOptions } from "./emulator-fixture.js";
import { randomBytes } from "node:crypto";
import { CALLBACK_KEY_BYTES, CallbackSeal } from "../../api/src/webhooks/callback-seal.js";
import { callbackUrlCheck } from "../../api/src/webhooks/guarded-push.js";
import { WebhookRegistry } from "../../api/src/webhooks/webhook-registry.js";
import { WebhookSubscriptions } from "../../api/src/webhooks/webhook-subscriptions.js";

let demoCatalog: EventCatalog | undefined;

/** The demo event catalog (OrderSubmitted, CaseSync), loaded once. */
export function demoEventCatalog(): EventCatalog {
  demoCatalog ??= loadEventCatalog(DEMO_EVENT_CATALOG_DIR);
  return demoCatalog;
}

/** Plain-text test keys; the API is configured with their hashes. */
export const TEST_KEYS = {
  admin: "test-admin-key",
  sender: "test-send-only-key",
  ordersListener: "test-orders-listen-key",
} as const;

/** The key records of {@link TEST_KEYS}. */
export const TEST_KEY_RECORDS: ApiKeyRecord[] = [
  { name: "admin", sha256: hashApiKey(TEST_KEYS.admin), scopes: ["send", "listen", "manage"], entities: ["*"] },
  { name: "sender", sha256: hashApiKey(TEST_KEYS.sender), scopes: ["send"], entities: ["*"] },
  { name: "orders-listener", sha256: hashApiKey(TEST_KEYS.ordersListener), scopes: ["listen"], entities: ["orders"] },
];

/** The emulator entities of the API tests: `hidden` exists in Service Bus but is not exposed by the API. */
export function apiTestEmulatorConfig(): EmulatorConfig {
  return parseEmulatorConfig({
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: [{ Name: "orders", Properties: { MaxDeliveryCount: 5 } }, { Name: "short-lock", Properties: { LockDuration: "PT5S" } }, { Name: "hidden" }],
          Topics: [
            {
              Name: "events",
              Subscriptions: [
                {
                  Name: "billing",
                  Rules: [{ Name: "orders", Properties: { FilterType: "Correlation", CorrelationFilter: { Properties: { eventType: "OrderSubmitted" } } } }],
                },
                { Name: "audit" },
              ],
            },
          ],
        },
      ],
    },
  });
}

/** The entities the test API exposes. */
export const TEST_EXPOSED_ENTITIES: ExposedEntities = {
  queues: ["orders", "short-lock"],
  topics: [{ name: "events", subscriptions: ["billing", "audit"] }],
};

/** A parsed HTTP response. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, text for other types, undefined when empty. */
  body: unknown;
}

/** Options of {@link ApiInstance.request}. */
export interface RequestOptions {
  /** The API key; `null` sends none. Defaults to the admin key. */
  key?: string | null;
  body?: unknown;
  /** A raw body string, sent as is with the given content type. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One running API instance. */
export interface ApiInstance {
  baseUrl: string;
  messaging: MessagingPort;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

const responseAjv = createAjv();

function operationFor(method: string, path: string): AnyOperation | undefined {
  const pathname = path.split("?")[0] ?? path;
  return OPERATIONS.find((operation) => {
    if (operation.method !== method.toLowerCase()) return false;
    const pattern = new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    return pattern.test(pathname);
  });
}

/** Asserts a response matches its operation's contract. */
function checkContract(method: string, path: string, response: ApiResponse): void {
  const operation = operationFor(method, path);
  if (!operation) return;
  if (operation.pending && response.status === operation.pending.status) return;
  if (response.status < 300) {
    expect(response.status, `${operation.operationId} success status`).toBe(operation.success.status);
    if (operation.success.schema) {
      const validate = responseAjv.compile(operation.success.schema);
      const valid = validate(response.body);
      expect(validate.errors ?? [], `${operation.operationId} response schema`).toEqual([]);
      expect(valid).toBe(true);
    }
    return;
  }
  expect(response.headers.get("content-type"), `${operation.operationId} problem content type`).toMatch(/^application\/problem\+json/);
  const code = (response.body as { code?: string }).code ?? "";
  expect([...operation.problems, ...COMMON_PROBLEMS], `${operation.operationId} declares problem ${code}`).toContain(code);
}

async function listen(app: ReturnType<typeof createApp>): Promise<Server> {
  const server = createApiServer(app);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Options of {@link startApiInstance}. */
export interface ApiInstanceOptions {
  entities?: ExposedEntities;
  jsonBodyLimitInBytes?: number;
  /** The emulator's management API: when given, the instance has backlog counts and management operations. */
  admin?: { connectionString: string; certificate: string };
  /** Idle time after which a held session is released. */
  sessionIdleReleaseInMs?: number;
  /** The configured API keys (default {@link TEST_KEY_RECORDS}). */
  apiKeys?: readonly ApiKeyRecord[];
  /** The API's public base URL (the origin of the triggers' next-poll Location). */
  publicBaseUrl?: string;
  /** Accept Microsoft Entra ID bearer tokens checked by this authenticator. */
  entraId?: EntraIdAuthenticator;
  /** Webhook subscriptions kept on this control queue (a fresh callback key, the default callback hosts, no deliveries). */
  webhooks?: { controlQueue: string };
}

/** Starts an API instance on a free port against a Service Bus connection string. */
export async function startApiInstance(
  connectionString: string,
  {
    entities = TEST_EXPOSED_ENTITIES,
    jsonBodyLimitInBytes = 64 * 1024,
    admin: adminEndpoint,
    sessionIdleReleaseInMs,
    apiKeys = TEST_KEY_RECORDS,
    publicBaseUrl,
    entraId,
    webhooks,
  }: ApiInstanceOptions = {},
): Promise<ApiInstance> {
  const logger = silentLogger();
  const { client, admin } = createServiceBusClients(
    { kind: "emulator", connectionString, ...(adminEndpoint ? { admin: adminEndpoint } : {}) },
    testClientOptions,
  );
  const management: ManagementPort | undefined = admin ? createAdminManagement({ admin, logger }) : undefined;
  const messaging = createServiceBusGateway({
    client,
    logger,
    readinessProbe: { kind: "queue", queue: entities.queues[0] ?? "orders" },
    ...(sessionIdleReleaseInMs === undefined ? {} : { sessionRegistry: { idleReleaseInMs: sessionIdleReleaseInMs } }),
    ...(management ? { requiresSession: (source) => management.requiresSession(source) } : {}),
  });
  const app = createApp({
    messaging,
    ...(management ? { management } : {}),
    logger,
    apiKeys,
    entities,
    eventCatalog: demoEventCatalog(),
    jsonBodyLimitInBytes,
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
    ...(entraId ? { entraId } : {}),
    ...(webhooks
      ? {
          webhooks: new WebhookSubscriptions({
            registry: new WebhookRegistry(client, { queueName: webhooks.controlQueue }),
            seal: new CallbackSeal(randomBytes(CALLBACK_KEY_BYTES)),
            checkCallbackUrl: callbackUrlCheck({}),
          }),
        }
      : {}),
  });
  const server = await listen(app);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    messaging,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? TEST_KEYS.admin : options.key;
      if (key !== null) headers["X-API-Key"] = key;
      let body: string | undefined;
      if (options.rawBody !== undefined) {
        body = options.rawBody;
        headers["Content-Type"] = options.contentType ?? "application/json";
      } else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["Content-Type"] = options.contentType ?? "application/json";
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      const type = response.headers.get("content-type") ?? "";
      const parsed: ApiResponse = {
        status: response.status,
        headers: response.headers,
        body: text.length === 0 ? undefined : /json/.test(type) ? (JSON.parse(text) as unknown) : text,
      };
      checkContract(method, path, parsed);
      return parsed;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await messaging.close();
    },
  };
}

/** An emulator plus one API instance; `close` stops everything started through it. */
export interface ApiFixture {
  emulator: Emulator;
  api: ApiInstance;
  /** Starts another API instance on the same emulator (closed by `close`). */
  startAnotherInstance(): Promise<ApiInstance>;
  /** Same, with another JSON body limit. */
  startAnotherInstanceWithBodyLimit(jsonBodyLimitInBytes: number): Promise<ApiInstance>;
  /** Same, with other instance options (exposed entities, session idle time). */
  startAnotherInstanceWith(options: ApiInstanceOptions): Promise<ApiInstance>;
  close(): Promise<void>;
}

/** Options of {@link startApiFixture}. */
export interface ApiFixtureOptions {
  entities?: ExposedEntities;
  /** Serve the emulator's management API and give the API instances access to it. */
  withAdmin?: boolean;
  sessionIdleReleaseInMs?: number;
  /** The configured API keys (default {@link TEST_KEY_RECORDS}). */
  apiKeys?: readonly ApiKeyRecord[];
  /** Webhook subscriptions on this control queue (which the emulator's config must have, session-enabled). */
  webhooks?: { controlQueue: string };
}

/** Starts an emulator with {@link apiTestEmulatorConfig} and an API instance. */
export async function startApiFixture(config: EmulatorConfig = apiTestEmulatorConfig(), options: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const emulator = await createEmulator({ config, ...(options.withAdmin ? { adminPort: 0 } : {}) });
  const instances: ApiInstance[] = [];
  const start = async (jsonBodyLimitInBytes?: number, overrides: ApiInstanceOptions = {}): Promise<ApiInstance> => {
    const instance = await startApiInstance(emulator.connectionString, {
      ...(jsonBodyLimitInBytes === undefined ? {} : { jsonBodyLimitInBytes }),
      ...(options.entities ? { entities: options.entities } : {}),
      ...(emulator.admin ? { admin: emulator.admin } : {}),
      ...(options.sessionIdleReleaseInMs === undefined ? {} : { sessionIdleReleaseInMs: options.sessionIdleReleaseInMs }),
      ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
      ...overrides,
    });
    instances.push(instance);
    return instance;
  };
  const api = await start();
  return {
    emulator,
    api,
    startAnotherInstance: () => start(),
    startAnotherInstanceWithBodyLimit: (limit) => start(limit),
    startAnotherInstanceWith: (overrides) => start(undefined, overrides),
    async close() {
      await Promise.allSettled(instances.map((instance) => instance.close()));
      await emulator.close();
    },
  };
}
