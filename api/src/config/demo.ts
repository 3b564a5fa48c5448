/** The demo setup used when no Service Bus is configured: the demo entities exposed, and a generated key. */
import { randomBytes } from "node:crypto";
import { demoEmulatorConfig } from "../../../emulator/src/index.js";
import type { ExposedEntities } from "./exposed-entities.js";
import { DEFAULT_CONTROL_QUEUE } from "../routing/control-queue.js";

/**
 * The demo entities (defined once, in the emulator's demo configuration) as the API exposes them: all but the
 * control queue, which carries the API's own traffic. Their topics expose all their subscriptions, so
 * subscriptions created through the API can be used at once.
 */
export const DEMO_ENTITIES: ExposedEntities = (() => {
  const config = demoEmulatorConfig();
  return {
    queues: config.queues.map((queue) => queue.name).filter((name) => name !== DEFAULT_CONTROL_QUEUE),
    topics: config.topics.map((topic) => ({
      name: topic.name,
      subscriptions: topic.subscriptions.map((subscription) => subscription.name),
      allSubscriptions: true,
    })),
  };
})();

/** A new random API key (256 bits, base64url). */
export function generateApiKey(): string {
  return randomBytes(32).toString("base64url");
}
