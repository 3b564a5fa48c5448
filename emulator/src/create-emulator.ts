/**
 * The emulator as a library: `createEmulator(options)` starts a local Service Bus namespace that the real
 * `@azure/service-bus` SDK reaches through the returned connection string. No module-level state, so a
 * process (a test suite) can run many at once.
 */
import { randomUUID } from "node:crypto";
import { createBrokerAdminBackend } from "./admin/broker-admin-backend.js";
import { startAdminServer } from "./admin/admin-http-server.js";
import type { AdminServer } from "./admin/admin-http-server.js";
import { createSelfSignedCertificate, loadOrCreateCertificate } from "./admin/certificate.js";
import { startAmqpServer } from "./amqp/amqp-server.js";
import { amqpContentCodec } from "./amqp/content-codec.js";
import type { SharedAccessKey } from "./amqp/sas-token.js";
import { NamespaceBroker } from "./broker/namespace-broker.js";
import type { BrokerClock } from "./broker/timers.js";
import { systemClock } from "./broker/timers.js";
import type { EmulatorConfig } from "./config/emulator-config.js";
import { defaultEmulatorConfig } from "./config/emulator-config.js";
import type { EmulatorLogger } from "./logger.js";
import { silentLogger } from "./logger.js";
import { createMemoryStore } from "./store/message-store.js";
import type { MessageStore } from "./store/message-store.js";
import { createSqliteStore } from "./store/sqlite-store.js";

/** The key the official emulator uses, so its connection strings work here unchanged. */
export const DEFAULT_SHARED_ACCESS_KEY: SharedAccessKey = { name: "RootManageSharedAccessKey", key: "SAS_KEY_VALUE" };

/** Service Bus Standard's (and the official emulator's) message size limit. */
export const DEFAULT_MAX_MESSAGE_SIZE_IN_BYTES = 256 * 1024;

export interface EmulatorOptions {
  /** Entities to serve; defaults to the official emulator's sample (queue.1, topic.1/subscription.1). */
  config?: EmulatorConfig;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to loopback, because the emulator is for local development. */
  host?: string;
  /** Folder of the durable store. Without it messages live in memory only. */
  dataDir?: string;
  /** `synchronous` mode of the durable store; "normal" survives a process crash, "full" also a power cut. */
  durability?: "normal" | "full";
  /** Keys whose SAS tokens are accepted; defaults to RootManageSharedAccessKey / SAS_KEY_VALUE. */
  sharedAccessKeys?: readonly SharedAccessKey[];
  maxMessageSizeInBytes?: number;
  /**
   * Port of the management API (ATOM over HTTPS, for ServiceBusAdministrationClient); 0 picks a free one.
   * Without it no management API is served.
   */
  adminPort?: number;
  logger?: EmulatorLogger;
  clock?: BrokerClock;
}

export interface Emulator {
  /** `Endpoint=sb://<host>:<port>;SharedAccessKeyName=…;SharedAccessKey=…;UseDevelopmentEmulator=true;` */
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  readonly broker: NamespaceBroker;
  /** The management API, when `adminPort` was given. */
  readonly admin?: {
    readonly port: number;
    /** For `new ServiceBusAdministrationClient(connectionString, { tlsOptions: { ca: certificate } })`. */
    readonly connectionString: string;
    /** PEM certificate the HTTPS server presents (self-signed; kept in the data dir when there is one). */
    readonly certificate: string;
  };
  close(): Promise<void>;
}

/** Builds a connection string for the emulator, as the SDK parses it (plain TCP, port from the endpoint). */
export function emulatorConnectionString(host: string, port: number, key: SharedAccessKey): string {
  const endpointHost = host.includes(":") ? `[${host}]` : host;
  return `Endpoint=sb://${endpointHost}:${port};SharedAccessKeyName=${key.name};SharedAccessKey=${key.key};UseDevelopmentEmulator=true;`;
}

/** Starts an emulator; resolves once it accepts connections. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const keys = options.sharedAccessKeys ?? [DEFAULT_SHARED_ACCESS_KEY];
  const firstKey = keys[0];
  if (!firstKey) throw new RangeError("sharedAccessKeys must name at least one key.");
  const host = options.host ?? "127.0.0.1";
  const store: MessageStore = options.dataDir
    ? createSqliteStore({ dataDir: options.dataDir, synchronous: options.durability ?? "normal" })
    : createMemoryStore();
  let broker: NamespaceBroker;
  try {
    broker = new NamespaceBroker({
      config: options.config ?? defaultEmulatorConfig(),
      store,
      clock,
      codec: amqpContentCodec,
      newLockToken: randomUUID,
      onOrphanMessage: (entityPath, sequenceNumber) =>
        logger.warn({ entityPath, sequenceNumber }, "stored message of an entity that is no longer configured is kept but not served"),
    });
  } catch (error) {
    store.close();
    throw error;
  }
  let server;
  try {
    server = await startAmqpServer({
      broker,
      store,
      keys,
      clock,
      logger,
      host,
      port: options.port ?? 0,
      maxMessageSizeInBytes: options.maxMessageSizeInBytes ?? DEFAULT_MAX_MESSAGE_SIZE_IN_BYTES,
    });
  } catch (error) {
    broker.close();
    store.close();
    throw error;
  }
  const amqp = server;
  const clientHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  let admin: AdminServer | undefined;
  let certificate = "";
  if (options.adminPort !== undefined) {
    try {
      const tls = options.dataDir ? loadOrCreateCertificate(options.dataDir) : createSelfSignedCertificate();
      certificate = tls.cert.toString();
      admin = await startAdminServer({ backend: createBrokerAdminBackend(broker), keys, host, port: options.adminPort, tls, logger });
    } catch (error) {
      await amqp.close();
      broker.close();
      store.close();
      throw error;
    }
  }
  const adminServer = admin;
  let closing: Promise<void> | undefined;
  return {
    connectionString: emulatorConnectionString(clientHost, amqp.port, firstKey),
    host,
    port: amqp.port,
    broker,
    ...(adminServer && {
      admin: {
        port: adminServer.port,
        connectionString: `Endpoint=sb://${clientHost}:${adminServer.port};SharedAccessKeyName=${firstKey.name};SharedAccessKey=${firstKey.key}`,
        certificate,
      },
    }),
    close() {
      closing ??= (async () => {
        await adminServer?.close();
        await amqp.close();
        broker.close();
        store.close();
      })();
      return closing;
    },
  };
}
