/** Adds the typed business event to received messages whose body is an event envelope of the catalog. */
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import type { EventCatalog } from "./event-catalog.js";
import type { EventTypeDefinition } from "./event-type.js";
import { parseEventEnvelope } from "./event-envelope.js";

/** The message with `event` (and `contractErrors` when it breaks its contract), or unchanged. */
export function withTypedEvent(catalog: EventCatalog, message: ReceivedMessageJson): ReceivedMessageJson {
  if (message.bodyEncoding !== "json") return message;
  const parsed = parseEventEnvelope(catalog, message.body);
  if (!parsed) return message;
  return { ...message, event: parsed.event, ...(parsed.contractErrors && { contractErrors: parsed.contractErrors }) };
}

/** {@link withTypedEvent} over a list. */
export function withTypedEvents(catalog: EventCatalog, messages: readonly ReceivedMessageJson[]): ReceivedMessageJson[] {
  return messages.map((message) => withTypedEvent(catalog, message));
}

/**
 * The message, flagged in `contractErrors` when it is not an event of the type a trigger was told to expect (it is
 * never hidden: the flow decides).
 */
export function flaggedIfUnexpected(message: ReceivedMessageJson, expected: EventTypeDefinition | undefined): ReceivedMessageJson {
  if (!expected || message.event?.eventType === expected.eventType) return message;
  const problem = message.event
    ? { field: "/eventType", message: `is ${message.event.eventType}, not ${expected.eventType}, the event type this trigger expects` }
    : { field: "", message: `is not a business event; this trigger expects ${expected.eventType}` };
  return { ...message, contractErrors: [...(message.contractErrors ?? []), problem] };
}
