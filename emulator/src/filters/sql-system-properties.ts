/**
 * The broker ("system") properties that `sys.<name>` may reference.
 *
 * Source: Microsoft Learn, "Messages, payloads, and serialization" (the BrokeredMessage
 * property table) plus the documented alias `Subject` for `Label` ("Set subscription
 * filters": "Subject ... maps to Label"). Names are matched case-insensitively because
 * the SQL filter reference states "Property names are case-insensitive".
 *
 * @module
 */

/** Canonical spellings of every system property a filter or action may name. */
export const SYSTEM_PROPERTY_NAMES = [
  "ContentType",
  "CorrelationId",
  "DeadLetterSource",
  "DeliveryCount",
  "EnqueuedSequenceNumber",
  "EnqueuedTimeUtc",
  "ExpiresAtUtc",
  "ForcePersistence",
  "Label",
  "Subject",
  "LockedUntilUtc",
  "LockToken",
  "MessageId",
  "PartitionKey",
  "ReplyTo",
  "ReplyToSessionId",
  "ScheduledEnqueueTimeUtc",
  "SequenceNumber",
  "SessionId",
  "Size",
  "State",
  "TimeToLive",
  "To",
  "ViaPartitionKey",
] as const;

/** System properties a `SET sys.<name> = ...` rule action may assign. All are strings. */
export const SETTABLE_SYSTEM_PROPERTY_NAMES = [
  "To",
  "ReplyTo",
  "Label",
  "Subject",
  "ContentType",
  "CorrelationId",
  "MessageId",
  "SessionId",
  "ReplyToSessionId",
] as const;

/** Groups of names that denote the same property. */
const ALIASES: readonly (readonly string[])[] = [["label", "subject"]];

const CANONICAL = new Map<string, string>(SYSTEM_PROPERTY_NAMES.map((n) => [n.toLowerCase(), n]));
const SETTABLE = new Set<string>(SETTABLE_SYSTEM_PROPERTY_NAMES.map((n) => n.toLowerCase()));

/** The canonical spelling of system property `name` (any case), or `undefined` if there is none. */
export function canonicalSystemPropertyName(name: string): string | undefined {
  return CANONICAL.get(name.toLowerCase());
}

/** Whether a rule action may assign system property `name` (any case). */
export function isSettableSystemProperty(name: string): boolean {
  return SETTABLE.has(name.toLowerCase());
}

/** Lower-cased names that refer to the same property as `name` (including itself). */
export function systemPropertyAliases(name: string): readonly string[] {
  const lower = name.toLowerCase();
  return ALIASES.find((group) => group.includes(lower)) ?? [lower];
}
