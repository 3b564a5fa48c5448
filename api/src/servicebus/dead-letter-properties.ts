/** Service Bus keeps the dead-letter reason and description as application properties with these names. */
const DEAD_LETTER_PROPERTY_NAMES = new Set(["DeadLetterReason", "DeadLetterErrorDescription"]);

/**
 * Application properties without the dead-letter reason and description (the API reports those as
 * `deadLetterReason` / `deadLetterErrorDescription`, and a resubmitted copy must not carry them).
 * Undefined when nothing is left.
 */
export function withoutDeadLetterProperties<T>(properties: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!properties) return undefined;
  const entries = Object.entries(properties).filter(([name]) => !DEAD_LETTER_PROPERTY_NAMES.has(name));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}
