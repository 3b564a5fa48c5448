/**
 * The envelope of a typed business event, built by the API so a maker cannot get it wrong:
 * `{ messageId, correlationId, eventType, source, occurredUtc, schemaVersion, data }`. The message carries
 * the envelope as its JSON body, `eventType` and `schemaVersion` also as application properties (so topic
 * rules can route on them), a stable message id from the event type's template (so duplicate detection
 * catches a retried send), and a session id when the type orders its events per business object.
 */
import type { OutgoingMessageJson } from "../contract/schemas/message.js";
import type { FieldError } from "../problems/problem-error.js";
import type { EventCatalog } from "./event-catalog.js";
import { renderTemplate } from "./event-templates.js";
import type { EventTypeDefinition } from "./event-type.js";
import { findSecretLookingFields } from "./secret-fields.js";

/** The envelope as it travels in the message body. */
export interface EventEnvelope {
  messageId: string;
  correlationId: string;
  eventType: string;
  source: string;
  occurredUtc: string;
  schemaVersion: number;
  data: Record<string, unknown>;
}

/** What a send adds to the data: where the event comes from and which conversation it belongs to. */
export interface EventSendContext {
  /** The calling flow run (`x-ms-workflow-run-id` or `x-ms-client-tracking-id`), which wins when present. */
  flowRunId: string | undefined;
  /** A correlation id the caller gave. */
  correlationId: string | undefined;
  /** When the business event happened; defaults to now. */
  occurredUtc: string | undefined;
  /** The producing system's name for `source`. */
  source: string;
  now: Date;
  newId: () => string;
}

/** The message to send for an event, or the field errors that stop it. */
export type EventMessageResult = { ok: true; message: OutgoingMessageJson; envelope: EventEnvelope } | { ok: false; errors: FieldError[] };

const MAX_ID_LENGTH = 128;

function idFromTemplate(template: string, data: Record<string, unknown>, what: string): { value: string } | { error: FieldError } {
  const rendered = renderTemplate(template, data);
  if (!rendered.ok) return { error: { field: `/${rendered.field}`, message: rendered.reason } };
  if (rendered.value.length > MAX_ID_LENGTH) {
    return { error: { field: "", message: `builds a ${what} of ${rendered.value.length} characters from '${template}'; Service Bus allows ${MAX_ID_LENGTH}` } };
  }
  return { value: rendered.value };
}

/** Validates the data against its contract and builds the message that carries the event. */
export function buildEventMessage(
  catalog: EventCatalog,
  definition: EventTypeDefinition,
  data: Record<string, unknown>,
  context: EventSendContext,
): EventMessageResult {
  const errors = catalog.validateData(definition, data);
  for (const field of findSecretLookingFields(data, definition.allowedSensitiveFields)) {
    errors.push({
      field: field.pointer,
      message: `looks like a secret ('${field.name}'); never put secrets in messages. If it is not one, list it in allowedSensitiveFields of ${definition.eventType}.`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  const messageId = idFromTemplate(definition.messageIdTemplate, data, "message id");
  if ("error" in messageId) return { ok: false, errors: [messageId.error] };
  let sessionId: string | undefined;
  if (definition.sessionIdTemplate !== undefined) {
    const rendered = idFromTemplate(definition.sessionIdTemplate, data, "session id");
    if ("error" in rendered) return { ok: false, errors: [rendered.error] };
    sessionId = rendered.value;
  }
  const envelope: EventEnvelope = {
    messageId: messageId.value,
    correlationId: context.flowRunId ?? context.correlationId ?? context.newId(),
    eventType: definition.eventType,
    source: context.source,
    occurredUtc: context.occurredUtc ?? context.now.toISOString(),
    schemaVersion: definition.schemaVersion,
    data,
  };
  const message: OutgoingMessageJson = {
    body: envelope,
    contentType: "application/json",
    messageId: envelope.messageId,
    correlationId: envelope.correlationId,
    subject: definition.eventType,
    applicationProperties: { eventType: definition.eventType, schemaVersion: definition.schemaVersion },
    ...(sessionId !== undefined && { sessionId }),
  };
  return { ok: true, message, envelope };
}

/** A received event: the envelope with its data, and what is wrong with it against its contract (if anything). */
export interface ReceivedEvent {
  event: EventEnvelope;
  /** Present when the event does not match its contract; the message is still returned, never hidden. */
  contractErrors?: FieldError[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Reads a message body as an event envelope when it names an event type of the catalog; undefined for
 * other messages.
 */
export function parseEventEnvelope(catalog: EventCatalog, body: unknown): ReceivedEvent | undefined {
  if (!isRecord(body) || typeof body.eventType !== "string" || !isRecord(body.data)) return undefined;
  const latest = catalog.find(body.eventType);
  if (!latest) return undefined;
  const version = typeof body.schemaVersion === "number" ? body.schemaVersion : Number(body.schemaVersion);
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  const event: EventEnvelope = {
    messageId: text(body.messageId),
    correlationId: text(body.correlationId),
    eventType: latest.eventType,
    source: text(body.source),
    occurredUtc: text(body.occurredUtc),
    schemaVersion: Number.isFinite(version) ? version : 0,
    data: body.data,
  };
  const definition = catalog.find(body.eventType, event.schemaVersion);
  if (!definition) {
    return { event, contractErrors: [{ field: "/schemaVersion", message: `${latest.eventType} has no version ${String(body.schemaVersion)} in the catalog` }] };
  }
  const contractErrors = catalog.validateData(definition, body.data).map((error) => ({ ...error, field: `/data${error.field}` }));
  return contractErrors.length > 0 ? { event, contractErrors } : { event };
}
