/**
 * API keys: stored as SHA-256 hex digests, compared in constant time. Several keys can be valid at
 * once (rotation), each with scopes and an entity allow-list.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Scope } from "../contract/operation.js";

/** A configured API key (never the key itself). */
export interface ApiKeyRecord {
  /** A label for logs and audit, e.g. "flows-prod-2025-06". */
  name: string;
  /** SHA-256 of the key, lowercase hex. */
  sha256: string;
  scopes: readonly Scope[];
  /** Queue and topic names, `topic/subscription`, or "*" for every exposed entity. */
  entities: readonly string[];
}

/** The SHA-256 digest of a key, lowercase hex: what configuration stores. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/**
 * The record whose digest matches the presented key. Hashing first makes both sides 32 bytes, so
 * `timingSafeEqual` applies, and every record is compared so timing does not reveal which matched.
 */
export function findApiKey(records: readonly ApiKeyRecord[], presented: string | undefined): ApiKeyRecord | undefined {
  if (presented === undefined || presented.length === 0 || presented.length > 1024) return undefined;
  const digest = createHash("sha256").update(presented, "utf8").digest();
  let match: ApiKeyRecord | undefined;
  for (const record of records) {
    const stored = Buffer.from(record.sha256, "hex");
    if (stored.length === digest.length && timingSafeEqual(stored, digest) && match === undefined) match = record;
  }
  return match;
}

/** Whether the key has every scope listed. */
export function hasScopes(record: ApiKeyRecord, scopes: readonly Scope[]): boolean {
  return scopes.every((scope) => record.scopes.includes(scope));
}
