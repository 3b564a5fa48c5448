/**
 * What the management API reports about entities beyond their configuration: creation and update times and
 * the descriptive properties the broker does not use. Kept in memory by the HTTP layer, keyed by the
 * entity's path (`orders`, `events/Subscriptions/audit`, `events/Subscriptions/audit/Rules/vip`), case-insensitively.
 *
 * Entities the API did not create (from `Config.json`, or before a restart) are first seen when listed or read;
 * they get that moment as their creation time and Service Bus defaults for the descriptive properties.
 */
import type { DescriptiveProperties } from "./entity-descriptions.js";
import { DEFAULT_DESCRIPTIVE_PROPERTIES } from "./entity-descriptions.js";

/** Times and descriptive properties of one entity. */
export interface EntityMetadata {
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly descriptive: DescriptiveProperties;
}

/** Per-entity metadata, created on first sight and dropped with the entity and its children. */
export class EntityMetadataStore {
  private readonly entries = new Map<string, EntityMetadata>();

  constructor(private readonly now: () => Date) {}

  /** The metadata of `path`, created now with defaults if it was never seen. */
  get(path: string): EntityMetadata {
    const key = path.toLowerCase();
    let metadata = this.entries.get(key);
    if (metadata === undefined) {
      const now = this.now();
      metadata = { createdAt: now, updatedAt: now, descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES } };
      this.entries.set(key, metadata);
    }
    return metadata;
  }

  /** Records that `path` was just created (replacing anything left from an earlier entity of that name). */
  created(path: string, descriptive: DescriptiveProperties): EntityMetadata {
    this.deleted(path);
    const now = this.now();
    const metadata = { createdAt: now, updatedAt: now, descriptive };
    this.entries.set(path.toLowerCase(), metadata);
    return metadata;
  }

  /** Records that `path` was just updated. */
  updated(path: string, descriptive: DescriptiveProperties): EntityMetadata {
    const metadata = { createdAt: this.get(path).createdAt, updatedAt: this.now(), descriptive };
    this.entries.set(path.toLowerCase(), metadata);
    return metadata;
  }

  /** Forgets `path` and everything under it (a topic's subscriptions, a subscription's rules). */
  deleted(path: string): void {
    const key = path.toLowerCase();
    for (const existing of [...this.entries.keys()]) {
      // Not every "<key>/..." path: a queue named "a" must not take the queue "a/b" with it.
      const isChild = existing.startsWith(`${key}/subscriptions/`) || existing.startsWith(`${key}/rules/`);
      if (existing === key || isChild) this.entries.delete(existing);
    }
  }
}
