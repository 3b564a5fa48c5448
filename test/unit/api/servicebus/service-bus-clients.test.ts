import { ServiceBusAdministrationClient } from "@azure/service-bus";
import { afterEach, describe, expect, it } from "vitest";
import { createServiceBusClients, usesDevelopmentEmulator } from "../../../../api/src/servicebus/service-bus-clients.js";
import type { ServiceBusClients } from "../../../../api/src/servicebus/service-bus-clients.js";

const AZURE = "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=flows;SharedAccessKey=abc";
const EMULATOR = "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

describe("the SDK clients of a connection string", () => {
  const created: ServiceBusClients[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((clients) => clients.client.close()));
  });

  it("recognises a development emulator's connection string", () => {
    expect(usesDevelopmentEmulator(EMULATOR)).toBe(true);
    expect(usesDevelopmentEmulator(AZURE)).toBe(false);
    expect(usesDevelopmentEmulator(`${AZURE};UseDevelopmentEmulator=false`)).toBe(false);
  });

  it("creates an administration client for Azure Service Bus (HTTPS on the namespace host)", () => {
    const clients = createServiceBusClients({ kind: "connectionString", connectionString: AZURE });
    created.push(clients);
    expect(clients.admin).toBeInstanceOf(ServiceBusAdministrationClient);
  });

  it("creates none for an emulator's AMQP endpoint, which serves no HTTPS management API", () => {
    const clients = createServiceBusClients({ kind: "connectionString", connectionString: EMULATOR });
    created.push(clients);
    expect(clients.admin).toBeUndefined();
  });
});
