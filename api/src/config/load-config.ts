/**
 * Reads the API's configuration from environment variables and one JSON file, validating everything
 * at start. Pure apart from the injected file reader, so it is unit-tested without a process.
 */
import path from "node:path";
import type { ApiKeyRecord } from "../auth/api-keys.js";
import type { EntraIdConfig } from "../auth/entra-id.js";
import { DEFAULT_JSON_BODY_LIMIT_IN_BYTES } from "./body-limit.js";
import { createAjv, fieldErrors } from "../json-schema/ajv.js";
import { ConfigError } from "./config-error.js";
import { ConfigFileSchema } from "./config-file-schema.js";
import type { ConfigFile } from "./config-file-schema.js";
import { DEFAULT_SESSION_IDLE_RELEASE_IN_MS } from "../servicebus/session-registry.js";
import { DEMO_ENTITIES } from "./demo.js";
import { DEFAULT_CALL_DEADLINE_IN_MS, DEFAULT_CONTROL_QUEUE } from "../routing/control-queue.js";
import { parseHostPattern } from "../webhooks/host-pattern.js";
import { callbackKeyFromEnv } from "./webhook-callback-key.js";
import type { ExposedEntities } from "./exposed-entities.js";

/** Where Service Bus is. */
export type ServiceBusTarget =
  | { kind: "connectionString"; connectionString: string }
  /** Azure Service Bus reached with Microsoft Entra ID (DefaultAzureCredential: managed identity in production). */
  | { kind: "namespace"; fullyQualifiedNamespace: string }
  /** No Service Bus configured: run the embedded emulator, persisting in `dataDir` (in memory when undefined). */
  | { kind: "embeddedEmulator"; dataDir: string | undefined; port: number };

/** The validated configuration. */
export interface AppConfig {
  port: number;
  host: string;
  logLevel: string;
  serviceBus: ServiceBusTarget;
  entities: ExposedEntities;
  /** Configured keys; in embedded-emulator mode without any, server.ts adds the demo key. */
  apiKeys: ApiKeyRecord[];
  /** Microsoft Entra ID access tokens (`auth.entraId`), accepted besides API keys. */
  entraId?: EntraIdConfig;
  jsonBodyLimitInBytes: number;
  /** A held session unused this long is released (`sessions.idleReleaseSeconds`, default 60 s). */
  sessionIdleReleaseInMs: number;
  /** The session-enabled queue session calls are routed through between instances (`sessions.controlQueue`, default `bridge-control`). */
  controlQueue: string;
  /** How long a forwarded session call waits for its answer (`sessions.forwardedCallDeadlineSeconds`, default 5 s). */
  forwardedCallDeadlineInMs: number;
  /**
   * Webhook triggers: the key callback URLs are sealed with (`WEBHOOK_CALLBACK_KEY`; undefined when not set) and
   * the hosts callbacks may go to (`webhooks.allowedCallbackHosts`; undefined for the default Power Platform hosts).
   * `allowLoopbackHttp` (`webhooks.allowLoopbackHttp`, for tests and local use only) lets callbacks use http to
   * loopback hosts the allow-list names exactly, as the embedded-emulator demo always does.
   */
  webhooks: { callbackKey?: Buffer; allowedCallbackHosts?: string[]; allowLoopbackHttp: boolean };
  /** The data folder (`DATA_DIR`), absolute. */
  dataDir: string;
  /** The event catalog's folder, absolute (`EVENT_CATALOG_DIR`, or `events.catalogDir`; the demo catalog by default). */
  eventCatalogDir: string;
  /** The `source` of the events this API sends (`events.source`, default `service-bus-bridge`). */
  eventSource: string;
  /**
   * The API's public base URL (`PUBLIC_BASE_URL`, or `publicBaseUrl` in the file), without a trailing slash:
   * the origin of the polling triggers' next-poll `Location`. Undefined: the origin the request names.
   */
  publicBaseUrl?: string;
}

/** The demo event catalog that ships with the API (OrderSubmitted, CaseSync). */
export const DEMO_EVENT_CATALOG_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../event-catalog");

/** The environment variables read. */
export const ENV_VARS = [
  "PORT",
  "HOST",
  "LOG_LEVEL",
  "CONFIG_FILE",
  "SERVICEBUS_CONNECTION_STRING",
  "SERVICEBUS_NAMESPACE",
  "DATA_DIR",
  "EMULATOR_IN_MEMORY",
  "EMULATOR_PORT",
  "EVENT_CATALOG_DIR",
  "PUBLIC_BASE_URL",
  "WEBHOOK_CALLBACK_KEY",
] as const;

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got '${raw}'`);
  return Number(raw);
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? "").toLowerCase();
  if (raw === "" || raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  throw new ConfigError(name, `must be true or false, got '${env[name]}'`);
}

function readConfigFile(file: string, readFile: (file: string) => string): ConfigFile {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new ConfigError(`CONFIG_FILE`, `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new ConfigError(file, `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const validate = createAjv().compile<ConfigFile>(ConfigFileSchema);
  if (!validate(json)) {
    const first = fieldErrors(validate.errors)[0];
    throw new ConfigError(`${file}:${first?.field || "/"}`, first?.message ?? "is invalid");
  }
  return json;
}

function entitiesFrom(file: ConfigFile): ExposedEntities | undefined {
  if (!file.entities) return undefined;
  return {
    queues: file.entities.queues ?? [],
    topics: (file.entities.topics ?? []).map((topic) => {
      const listed = topic.subscriptions ?? [];
      const named = listed.filter((subscription) => subscription !== "*");
      return { name: topic.name, subscriptions: named, ...(named.length < listed.length ? { allSubscriptions: true } : {}) };
    }),
  };
}

/** A fully qualified namespace host name, such as contoso.servicebus.windows.net (a `sb://` prefix and a trailing slash are tolerated). */
function namespaceHost(raw: string): string {
  const host = raw
    .trim()
    .replace(/^sb:\/\//i, "")
    .replace(/\/+$/, "");
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(host)) {
    throw new ConfigError("SERVICEBUS_NAMESPACE", `must be the fully qualified namespace, such as contoso.servicebus.windows.net, got '${raw}'`);
  }
  return host.toLowerCase();
}

/**
 * A public base URL: absolute http(s), no credentials, query or fragment; a path prefix is kept, a
 * trailing slash is not.
 */
function publicBaseUrl(raw: string, field: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(field, `must be an absolute http or https URL, such as https://bridge.contoso.com, got '${raw}'`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(field, `must use https or http, got '${raw}'`);
  if (url.username !== "" || url.password !== "") throw new ConfigError(field, "must not contain a user name or password");
  if (url.search !== "" || url.hash !== "" || raw.includes("?") || raw.includes("#"))
    throw new ConfigError(field, `must not have a query or fragment, got '${raw}'`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function serviceBusTarget(env: Env, dataDir: string): ServiceBusTarget {
  const connectionString = env["SERVICEBUS_CONNECTION_STRING"];
  const namespace = env["SERVICEBUS_NAMESPACE"];
  if (namespace) {
    if (connectionString)
      throw new ConfigError("SERVICEBUS_NAMESPACE", "set either SERVICEBUS_NAMESPACE (Microsoft Entra ID) or SERVICEBUS_CONNECTION_STRING, not both");
    return { kind: "namespace", fullyQualifiedNamespace: namespaceHost(namespace) };
  }
  if (connectionString) {
    if (!/Endpoint=sb:\/\//i.test(connectionString)) throw new ConfigError("SERVICEBUS_CONNECTION_STRING", "must contain Endpoint=sb://…");
    return { kind: "connectionString", connectionString };
  }
  const inMemory = flag(env, "EMULATOR_IN_MEMORY");
  return { kind: "embeddedEmulator", dataDir: inMemory ? undefined : path.join(dataDir, "emulator"), port: integer(env, "EMULATOR_PORT", 0, 0, 65535) };
}

function publicBaseUrlOf(env: Env, file: ConfigFile, configFile: string | undefined): { publicBaseUrl?: string } {
  const fromEnv = env["PUBLIC_BASE_URL"];
  if (fromEnv) return { publicBaseUrl: publicBaseUrl(fromEnv, "PUBLIC_BASE_URL") };
  if (file.publicBaseUrl !== undefined) return { publicBaseUrl: publicBaseUrl(file.publicBaseUrl, `${configFile}:/publicBaseUrl`) };
  return {};
}

type EntraIdSection = NonNullable<NonNullable<ConfigFile["auth"]>["entraId"]>;

/** `auth.entraId`, normalised; signing keys only over HTTPS, except from this machine (tests, a local proxy). */
function entraIdFrom(section: EntraIdSection, configFile: string): EntraIdConfig {
  if (section.jwksUri !== undefined) {
    const url = new URL(section.jwksUri);
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !loopback) throw new ConfigError(`${configFile}:/auth/entraId/jwksUri`, "must be an https:// URL");
  }
  return {
    tenantId: section.tenantId.toLowerCase(),
    audience: typeof section.audience === "string" ? [section.audience] : section.audience,
    ...(section.jwksUri !== undefined ? { jwksUri: section.jwksUri } : {}),
    ...(section.grants ? { grants: section.grants } : {}),
    ...(section.entities ? { entities: section.entities } : {}),
  };
}

/** The webhook settings; each allow-list entry is checked here, so a bad one stops the start naming it. */
function webhooksFrom(env: Env, file: ConfigFile, configFile: string | undefined): AppConfig["webhooks"] {
  const callbackKey = callbackKeyFromEnv(env["WEBHOOK_CALLBACK_KEY"]);
  const hosts = file.webhooks?.allowedCallbackHosts;
  for (const [index, entry] of (hosts ?? []).entries()) {
    try {
      parseHostPattern(entry);
    } catch (error) {
      throw new ConfigError(`${configFile}:/webhooks/allowedCallbackHosts/${index}`, error instanceof Error ? error.message : "is not a host pattern");
    }
  }
  return {
    ...(callbackKey ? { callbackKey } : {}),
    ...(hosts ? { allowedCallbackHosts: hosts } : {}),
    allowLoopbackHttp: file.webhooks?.allowLoopbackHttp ?? false,
  };
}

/**
 * Loads and validates the configuration.
 *
 * @param env - Environment variables (process.env in production).
 * @param readFile - Reads the config file named by CONFIG_FILE.
 * @param cwd - Resolves relative paths.
 * @throws ConfigError naming the variable or field at fault.
 */
export function loadConfig(env: Env, readFile: (file: string) => string, cwd: string = process.cwd()): AppConfig {
  const dataDir = path.resolve(cwd, env["DATA_DIR"] || ".data");
  const serviceBus = serviceBusTarget(env, dataDir);
  const configFile = env["CONFIG_FILE"];
  const file: ConfigFile = configFile ? readConfigFile(path.resolve(cwd, configFile), readFile) : {};
  const logLevel = env["LOG_LEVEL"] || "info";
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got '${logLevel}'`);
  const apiKeys: ApiKeyRecord[] = (file.apiKeys ?? []).map((key) => ({
    name: key.name,
    sha256: key.sha256.toLowerCase(),
    scopes: key.scopes,
    entities: key.entities ?? ["*"],
  }));
  const names = new Set<string>();
  for (const [index, key] of apiKeys.entries()) {
    if (names.has(key.name)) throw new ConfigError(`${configFile}:/apiKeys/${index}/name`, `duplicates the name '${key.name}'`);
    names.add(key.name);
  }
  const entraId = file.auth?.entraId ? entraIdFrom(file.auth.entraId, configFile ?? "") : undefined;
  const embedded = serviceBus.kind === "embeddedEmulator";
  if (!embedded && apiKeys.length === 0 && !entraId) {
    const variable = serviceBus.kind === "namespace" ? "SERVICEBUS_NAMESPACE" : "SERVICEBUS_CONNECTION_STRING";
    throw new ConfigError(configFile ? `${configFile}:/apiKeys` : "CONFIG_FILE", `at least one API key (or auth.entraId) is required when ${variable} is set`);
  }
  const controlQueue = file.sessions?.controlQueue ?? DEFAULT_CONTROL_QUEUE;
  const exposedControlQueue = (file.entities?.queues ?? []).findIndex((queue) => queue.toLowerCase() === controlQueue.toLowerCase());
  if (exposedControlQueue >= 0) {
    throw new ConfigError(
      `${configFile}:/entities/queues/${exposedControlQueue}`,
      `is the control queue (sessions.controlQueue) that instances of the API route session calls through; it must not be exposed to callers`,
    );
  }
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: env["HOST"] || (embedded ? "127.0.0.1" : "0.0.0.0"),
    logLevel,
    serviceBus,
    entities: entitiesFrom(file) ?? (embedded ? DEMO_ENTITIES : { queues: [], topics: [] }),
    apiKeys,
    ...(entraId ? { entraId } : {}),
    jsonBodyLimitInBytes: file.limits?.jsonBodyLimitInBytes ?? DEFAULT_JSON_BODY_LIMIT_IN_BYTES,
    sessionIdleReleaseInMs: (file.sessions?.idleReleaseSeconds ?? DEFAULT_SESSION_IDLE_RELEASE_IN_MS / 1000) * 1000,
    controlQueue,
    forwardedCallDeadlineInMs: (file.sessions?.forwardedCallDeadlineSeconds ?? DEFAULT_CALL_DEADLINE_IN_MS / 1000) * 1000,
    webhooks: webhooksFrom(env, file, configFile),
    eventCatalogDir: env["EVENT_CATALOG_DIR"]
      ? path.resolve(cwd, env["EVENT_CATALOG_DIR"])
      : file.events?.catalogDir
        ? path.resolve(path.dirname(path.resolve(cwd, configFile ?? ".")), file.events.catalogDir)
        : DEMO_EVENT_CATALOG_DIR,
    eventSource: file.events?.source ?? "service-bus-bridge",
    dataDir,
    ...publicBaseUrlOf(env, file, configFile),
  };
}
