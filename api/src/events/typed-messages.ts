/** Adds the typed business event to received messages whose body is an event envelope of the catalog. */
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import type { EventCatalog } from "./event-catalog.js";
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
