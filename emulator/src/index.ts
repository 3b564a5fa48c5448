/** The emulator as a library: what tools, benchmarks and other packages of this repository import. */

// Starting one
export { createEmulator, emulatorConnectionString, DEFAULT_MAX_MESSAGE_SIZE_IN_BYTES, DEFAULT_SHARED_ACCESS_KEY } from "./create-emulator.js";
export type { Emulator, EmulatorOptions } from "./create-emulator.js";

// Its entities, in the official emulator's Config.json format
export { defaultEmulatorConfig, loadEmulatorConfigFile, parseEmulatorConfig } from "./config/emulator-config.js";
export type { EmulatorConfig, QueueConfig, RuleConfig, SubscriptionConfig, TopicConfig } from "./config/emulator-config.js";
