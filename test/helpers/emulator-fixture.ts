/** Test helpers: an emulator on a free port and SDK clients with test-friendly retry options. */
import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusClientOptions } from "@azure/service-bus";
import { createEmulator } from "../../emulator/src/create-emulator.js";
import type { Emulator, EmulatorOptions } from "../../emulator/src/create-emulator.js";
import { parseEmulatorConfig } from "../../emulator/src/config/emulator-config.js";
import type { EmulatorConfig } from "../../emulator/src/config/emulator-config.js";

/** Short retries: the SDK's default 30 s delay would make every expected failure slow. */
export const testClientOptions: ServiceBusClientOptions = {
  retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 10_000 },
};

/**
 * The two kinds of entity every messaging suite runs against: what a client sees must not depend on partitioning
 * (apart from the partition-specific checks, tested on their own).
 */
export const PARTITIONING_VARIANTS = [
  { variant: "unpartitioned", enablePartitioning: false },
  { variant: "partitioned", enablePartitioning: true },
] as const;

/** The config with every queue and topic (and so every subscription) partitioned or not. */
export function withPartitioning(config: EmulatorConfig, enablePartitioning: boolean): EmulatorConfig {
  return {
    ...config,
    queues: config.queues.map((queue) => ({ ...queue, properties: { ...queue.properties, enablePartitioning } })),
    topics: config.topics.map((topic) => ({ ...topic, properties: { ...topic.properties, enablePartitioning } })),
  };
}

/** A config with the given queues, each with optional Config.json properties. */
export function queuesConfig(queues: Record<string, Record<string, unknown>>): EmulatorConfig {
  return parseEmulatorConfig({
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: Object.entries(queues).map(([name, properties]) => ({ Name: name, Properties: properties })),
          Topics: [],
        },
      ],
    },
  });
}

/** Starts an emulator and a client; `close` stops both. */
export async function startEmulatorWithClient(options: EmulatorOptions = {}): Promise<{
  emulator: Emulator;
  client: ServiceBusClient;
  newClient: () => ServiceBusClient;
  close: () => Promise<void>;
}> {
  const emulator = await createEmulator(options);
  const clients: ServiceBusClient[] = [];
  const newClient = (): ServiceBusClient => {
    const client = new ServiceBusClient(emulator.connectionString, testClientOptions);
    clients.push(client);
    return client;
  };
  const client = newClient();
  return {
    emulator,
    client,
    newClient,
    close: async () => {
      await Promise.all(clients.map((each) => each.close()));
      await emulator.close();
    },
  };
}
