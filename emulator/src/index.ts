/**
 * The emulator's public surface: what the API, the connector tools and the scripts import. Anything not
 * exported here is internal to the emulator.
 */

// Starting one
export { createEmulator, emulatorConnectionString, DEFAULT_MAX_MESSAGE_SIZE_IN_BYTES, DEFAULT_SHARED_ACCESS_KEY } from "./create-emulator.js";
export type { Emulator, EmulatorOptions } from "./create-emulator.js";

// Its entities, in the official emulator's Config.json format
export { defaultEmulatorConfig, loadEmulatorConfigFile, parseEmulatorConfig } from "./config/emulator-config.js";
export type { EmulatorConfig, QueueConfig, RuleConfig, SubscriptionConfig, TopicConfig } from "./config/emulator-config.js";

// The demo entities (defined once) and the start banner's description of entities
export { CONTROL_QUEUE_NAME, DEMO_CONFIG_JSON, demoEmulatorConfig } from "./config/demo-config.js";
export { describeEntities } from "./config/describe-entities.js";
