/**
 * The emulator's public surface: what the API, the connector tools and the scripts import. Anything not
 * exported here is internal to the emulator.
 */
export { createEmulator, DEFAULT_MAX_MESSAGE_SIZE_IN_BYTES } from "./create-emulator.js";
export type { Emulator, EmulatorOptions } from "./create-emulator.js";
export { defaultEmulatorConfig, loadEmulatorConfigFile, parseEmulatorConfig } from "./config/emulator-config.js";
export type { EmulatorConfig, QueueConfig, SubscriptionConfig, TopicConfig } from "./config/emulator-config.js";
export { DEMO_CONFIG_JSON, demoEmulatorConfig } from "./config/demo-config.js";
export { describeEntities } from "./config/describe-entities.js";
