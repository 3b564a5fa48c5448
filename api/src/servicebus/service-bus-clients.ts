/**
 * The SDK clients of the API: the messaging client and the administration client (management API over
 * HTTPS), from a connection string, from a namespace with a Microsoft Entra ID credential, or from the
 * embedded emulator. Constructing them does not connect; the first operation does.
 */
import { DefaultAzureCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { RetryMode, ServiceBusAdministrationClient, ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusClientOptions } from "@azure/service-bus";

/** Where the clients connect. */
/** Retries sized for HTTP callers: a few quick attempts, well inside Power Automate's 120 s action timeout. */
export const HTTP_CALLER_CLIENT_OPTIONS: ServiceBusClientOptions = {
  retryOptions: { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 5_000, mode: RetryMode.Exponential, timeoutInMs: 30_000 },
};

export type ServiceBusClientsTarget =
  /** Any Service Bus; its management API is HTTPS on the namespace host of the same connection string. */
  | { kind: "connectionString"; connectionString: string }
  /** Azure Service Bus with Microsoft Entra ID: the identity needs the Data Receiver/Sender roles, and Owner (or Data Owner) for management. */
  | { kind: "namespace"; fullyQualifiedNamespace: string; credential?: TokenCredential }
  /** The embedded emulator; its management API (when served) has its own port and a self-signed certificate. */
  | { kind: "emulator"; connectionString: string; admin?: { connectionString: string; certificate: string } };

/** The clients of {@link createServiceBusClients}. */
export interface ServiceBusClients {
  client: ServiceBusClient;
  /** Undefined when the target has no management API. */
  admin: ServiceBusAdministrationClient | undefined;
}

/** Whether a connection string points at a development emulator (`UseDevelopmentEmulator=true`). */
export function usesDevelopmentEmulator(connectionString: string): boolean {
  return /(^|;)\s*UseDevelopmentEmulator\s*=\s*true\s*(;|$)/i.test(connectionString);
}

/** Creates the clients of a target. */
export function createServiceBusClients(target: ServiceBusClientsTarget, clientOptions: ServiceBusClientOptions = {}): ServiceBusClients {
  switch (target.kind) {
    case "connectionString":
      return {
        client: new ServiceBusClient(target.connectionString, clientOptions),
        // An emulator's endpoint is its AMQP port, which speaks no HTTPS (the 7.9.5 admin client ignores the
        // emulator flag): asking it for counts would only produce protocol errors on the emulator's side.
        admin: usesDevelopmentEmulator(target.connectionString) ? undefined : new ServiceBusAdministrationClient(target.connectionString),
      };
    case "namespace": {
      // DefaultAzureCredential: managed identity in Azure, a developer's Azure CLI / VS Code sign-in locally.
      const credential = target.credential ?? new DefaultAzureCredential();
      return {
        client: new ServiceBusClient(target.fullyQualifiedNamespace, credential, clientOptions),
        admin: new ServiceBusAdministrationClient(target.fullyQualifiedNamespace, credential),
      };
    }
    case "emulator":
      return {
        client: new ServiceBusClient(target.connectionString, clientOptions),
        admin: target.admin ? new ServiceBusAdministrationClient(target.admin.connectionString, { tlsOptions: { ca: target.admin.certificate } }) : undefined,
      };
  }
}
