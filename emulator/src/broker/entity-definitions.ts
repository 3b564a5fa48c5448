/**
 * Entities created, changed or deleted at run time (through the management API or the rule manager) are
 * stored as definitions that overlay the configuration file at start: a queue's config, or a topic's config
 * with its subscriptions and rules; `undefined` marks a deletion.
 */
import type { EmulatorConfig, QueueConfig, TopicConfig } from "../config/emulator-config.js";

export type EntityDefinition = { kind: "queue"; config: QueueConfig } | { kind: "topic"; config: TopicConfig };

/** JSON for a definition; Infinity (a time to live that never ends) survives as a string. */
export function serializeDefinition(definition: EntityDefinition): string {
  return JSON.stringify(definition, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? "Infinity" : value));
}

export function deserializeDefinition(json: string): EntityDefinition {
  const definition = JSON.parse(json, (_key, value: unknown) => (value === "Infinity" ? Number.POSITIVE_INFINITY : value)) as EntityDefinition;
  // Definitions stored before partitioning was accepted lack the flag: those entities were not partitioned.
  definition.config.properties.enablePartitioning ??= false;
  return definition;
}

/**
 * The configuration with stored run-time changes applied: a stored definition replaces (or, when undefined,
 * removes) the file's entity of the same name; entities created at run time follow the file's.
 */
export function applyDefinitions(config: EmulatorConfig, stored: ReadonlyMap<string, EntityDefinition | undefined>): EmulatorConfig {
  const fileNames = new Set([...config.queues, ...config.topics].map((entity) => entity.name.toLowerCase()));
  const queues: QueueConfig[] = [];
  const topics: TopicConfig[] = [];
  const place = (definition: EntityDefinition | undefined): void => {
    if (definition?.kind === "queue") queues.push(definition.config);
    if (definition?.kind === "topic") topics.push(definition.config);
  };
  for (const queue of config.queues) {
    const key = queue.name.toLowerCase();
    place(stored.has(key) ? stored.get(key) : { kind: "queue", config: queue });
  }
  for (const topic of config.topics) {
    const key = topic.name.toLowerCase();
    place(stored.has(key) ? stored.get(key) : { kind: "topic", config: topic });
  }
  for (const [key, definition] of stored) if (!fileNames.has(key)) place(definition);
  return { ...config, queues, topics };
}
