import { DefaultAzureCredential } from "@azure/identity";
import { ServiceBusAdministrationClient, ServiceBusClient } from "@azure/service-bus";
import { afterEach, describe, expect, it } from "vitest";
import { hashApiKey } from "../../../../api/src/auth/api-keys.js";
import { loadConfig } from "../../../../api/src/config/load-config.js";
import { createServiceBusClients } from "../../../../api/src/servicebus/service-bus-clients.js";
import type { ServiceBusClients } from "../../../../api/src/servicebus/service-bus-clients.js";

// Managed identity cannot be exercised against the emulator (Entra ID tokens over TLS); these tests cover
// the configuration path up to the constructed clients, which do not connect until first used.

const keysFile = { apiKeys: [{ name: "flows", sha256: hashApiKey("secret"), scopes: ["send", "listen"] }] };
const files = (file: string): string => {
  if (file === "/app/bridge.json") return JSON.stringify(keysFile);
  throw new Error("ENOENT");
};

describe("SERVICEBUS_NAMESPACE (Microsoft Entra ID)", () => {
  const created: ServiceBusClients[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((clients) => clients.client.close()));
  });

  it.each([
    ["contoso.servicebus.windows.net", "contoso.servicebus.windows.net"],
    ["sb://Contoso.servicebus.windows.net/", "contoso.servicebus.windows.net"],
  ])("accepts %s as the fully qualified namespace", (value, expected) => {
    const config = loadConfig({ SERVICEBUS_NAMESPACE: value, CONFIG_FILE: "bridge.json" }, files, "/app");
    expect(config.serviceBus).toEqual({ kind: "namespace", fullyQualifiedNamespace: expected });
    expect(config.host).toBe("0.0.0.0");
  });

  it("requires an API key, naming SERVICEBUS_NAMESPACE", () => {
    expect(() => loadConfig({ SERVICEBUS_NAMESPACE: "contoso.servicebus.windows.net" }, files, "/app")).toThrow(/SERVICEBUS_NAMESPACE/);
  });

  it("builds the messaging and administration clients for the namespace with DefaultAzureCredential", () => {
    const clients = createServiceBusClients({ kind: "namespace", fullyQualifiedNamespace: "contoso.servicebus.windows.net" });
    created.push(clients);
    expect(clients.client).toBeInstanceOf(ServiceBusClient);
    expect(clients.client.fullyQualifiedNamespace).toBe("contoso.servicebus.windows.net");
    expect(clients.admin).toBeInstanceOf(ServiceBusAdministrationClient);
  });

  it("uses a given credential instead of the default one", () => {
    const credential = new DefaultAzureCredential();
    const clients = createServiceBusClients({ kind: "namespace", fullyQualifiedNamespace: "contoso.servicebus.windows.net", credential });
    created.push(clients);
    expect(clients.client.fullyQualifiedNamespace).toBe("contoso.servicebus.windows.net");
  });
});
