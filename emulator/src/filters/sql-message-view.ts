/**
 * The message shape filters and actions run against, and case-insensitive property access.
 *
 * The SQL filter reference (Microsoft Learn, "Subscription Rule SQL Filter Syntax",
 * Considerations) states "Property names are case-insensitive". That applies to both
 * scopes here: `sys.messageid` reads `system.MessageId`, and `Color` reads `user.color`
 * when no exact-case key exists. An exact-case key always wins over a case-insensitive one.
 * `sys.Label` and `sys.Subject` are aliases of each other.
 *
 * @module
 */

import { canonicalSystemPropertyName, systemPropertyAliases } from "./sql-system-properties.js";

/**
 * What a filter sees of a message.
 *
 * - `system`: broker properties keyed by their `sys.` names (`MessageId`, `Label` or
 *   `Subject`, `SequenceNumber`, `EnqueuedTimeUtc`, ...), any casing. `null`/`undefined`
 *   means the property is not set.
 * - `user`: application properties. Values may be strings, booleans, numbers (safe
 *   integers count as Int64, other numbers as Double), bigints (Int64) or `Date`s.
 */
export interface MessageView {
  system: Record<string, unknown>;
  user: Record<string, unknown>;
}

/** Result of a property lookup. */
export interface PropertyLookup {
  /** Whether the property exists (what `EXISTS(...)` reports). */
  readonly exists: boolean;
  /** Its raw value, `undefined` when it does not exist. */
  readonly value: unknown;
}

const MISSING: PropertyLookup = { exists: false, value: undefined };

function findKey(record: Record<string, unknown>, name: string, lowerNames: readonly string[]): string | undefined {
  if (Object.hasOwn(record, name)) return name;
  return Object.keys(record).find((key) => lowerNames.includes(key.toLowerCase()));
}

function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty so that names like "__proto__" become ordinary data properties.
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Look up a user (application) property, case-insensitively. A `null` value exists. */
export function lookupUserProperty(view: MessageView, name: string): PropertyLookup {
  const key = findKey(view.user, name, [name.toLowerCase()]);
  if (key === undefined) return MISSING;
  const value = view.user[key];
  return value === undefined ? MISSING : { exists: true, value };
}

/**
 * Look up a system property by its `sys.` name (any case, `Label`/`Subject` aliased).
 * A system property whose value is `null` or `undefined` does not exist.
 */
export function lookupSystemProperty(view: MessageView, name: string): PropertyLookup {
  const key = findKey(view.system, name, systemPropertyAliases(name));
  if (key === undefined) return MISSING;
  const value = view.system[key];
  return value === undefined || value === null ? MISSING : { exists: true, value };
}

/**
 * Read a system property the way a filter does (case-insensitive, `Label`/`Subject`
 * aliased); `undefined` when unset. Useful for mapping a view back onto a message after
 * a rule action ran.
 */
export function readSystemProperty(view: MessageView, name: string): unknown {
  return lookupSystemProperty(view, name).value;
}

/**
 * Assign a system property, reusing the key already present on the view (any case or
 * alias), or else the canonical spelling.
 */
export function writeSystemProperty(view: MessageView, name: string, value: unknown): void {
  const key = findKey(view.system, name, systemPropertyAliases(name)) ?? canonicalSystemPropertyName(name) ?? name;
  setOwn(view.system, key, value);
}

/** Assign a user property, reusing an existing key that differs only in case. */
export function writeUserProperty(view: MessageView, name: string, value: unknown): void {
  setOwn(view.user, findKey(view.user, name, [name.toLowerCase()]) ?? name, value);
}

/** Delete every user property whose name matches `name` case-insensitively. */
export function removeUserProperty(view: MessageView, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(view.user)) {
    if (key.toLowerCase() === lower) delete view.user[key];
  }
}
