/** Several API "instances" over one emulator: one ServiceBusClient each, and a session-enabled control queue. */
import { ServiceBusClient } from "@azure/service-bus";
import { problemOf } from "../../../../api/src/http/problem-of-error.js";
import { RouteClient } from "../../../../api/src/routing/route-client.js";
import type { RouteClientOptions } from "../../../../api/src/routing/route-client.js";
import { RouteServer } from "../../../../api/src/routing/route-server.js";
import type { RouteServerOptions } from "../../../../api/src/routing/route-server.js";
import { queuesConfig, startEmulatorWithClient, testClientOptions } from "../../../helpers/emulator-fixture.js";
import type { Emulator } from "../../../../emulator/src/create-emulator.js";
import { startFreezableProxy } from "../../../helpers/freezable-proxy.js";
import type { FreezableProxy } from "../../../helpers/freezable-proxy.js";

export const CONTROL_QUEUE = "bridge-control";

/** Fast retries and liveness checks, so tests wait on Service Bus, not on back-off. */
export const fastKeeping = { acceptRetryDelaysInMs: [20, 50, 100], livenessCheckIntervalInMs: 100 } as const;

export interface RoutingFixture {
  emulator: Emulator;
  /** A client of its own, as another API instance would have. */
  newInstance(): ServiceBusClient;
  /** A client whose connection a test can freeze (a hung or cut-off instance). */
  newFreezableInstance(): Promise<{ client: ServiceBusClient; proxy: FreezableProxy }>;
  /**
   * A holder end on `client` (a new instance by default), with fast keeping and the API's own translation of
   * errors into problems; closed with the fixture.
   */
  server(client?: ServiceBusClient, options?: RouteServerOptions): RouteServer;
  /** A caller end on `client` (a new instance by default), started; closed with the fixture. */
  caller(client?: ServiceBusClient, options?: RouteClientOptions): Promise<RouteClient>;
  /** Lets frozen connections pass bytes again, so what uses them can close normally. */
  thawAll(): void;
  /** Thaws frozen connections, closes the routing ends, the clients and the emulator. */
  close(): Promise<void>;
}

/** An emulator whose control queue has the shortest lock Service Bus allows (5 s), so expiry tests stay short. */
export async function startRoutingFixture(): Promise<RoutingFixture> {
  const started = await startEmulatorWithClient({ config: queuesConfig({ [CONTROL_QUEUE]: { RequiresSession: true, LockDuration: "PT5S" } }) });
  const proxies: FreezableProxy[] = [];
  const frozenClients: ServiceBusClient[] = [];
  const ends: Array<RouteServer | RouteClient> = [];
  const thawAll = (): void => {
    for (const proxy of proxies) proxy.thaw();
  };
  return {
    emulator: started.emulator,
    newInstance: started.newClient,
    server(client = started.newClient(), options = {}) {
      const server = new RouteServer(client, { ...fastKeeping, problemOf: (error) => problemOf(error).problem, ...options });
      ends.push(server);
      return server;
    },
    async caller(client = started.newClient(), options = {}) {
      const caller = new RouteClient(client, { ...fastKeeping, ...options });
      ends.push(caller);
      await caller.started();
      return caller;
    },
    async newFreezableInstance() {
      const proxy = await startFreezableProxy(started.emulator);
      proxies.push(proxy);
      const client = new ServiceBusClient(proxy.connectionString, testClientOptions);
      frozenClients.push(client);
      return { client, proxy };
    },
    thawAll,
    async close() {
      thawAll();
      await Promise.all(ends.splice(0).map((end) => end.close()));
      await Promise.all(frozenClients.map((client) => client.close().catch(() => undefined)));
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await started.close();
    },
  };
}
