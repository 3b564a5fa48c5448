/**
 * Typed business events: send one (the API builds the envelope from the event's data), and the internal
 * discovery operations the connector uses for the event-type picker and the typed body (x-ms-dynamic-schema).
 */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import type { DynamicSchemaHint, ParameterHint } from "../operation.js";
import { PICKERS } from "../pickers.js";
import { EntityParam } from "../schemas/common.js";

/** `eventType`: an event type of the catalog. */
export const EventTypeParam = Type.String({
  pattern: "^[A-Za-z][A-Za-z0-9]{0,63}$",
  description: "The event type, such as OrderSubmitted.",
  "x-ms-summary": "Event type",
});

/**
 * The event-type dropdown: the catalog's event types, only those allowed on the entity named by the
 * operation's parameter `entityParameter` (a queue or topic).
 */
export function eventTypePicker(entityParameter: string): ParameterHint {
  return {
    visibility: "important",
    dynamicValues: {
      operationId: "ListEventTypes",
      valueCollection: "eventTypes",
      valuePath: "eventType",
      valueTitle: "title",
      parameters: { entity: { parameter: entityParameter } },
    },
  };
}

/** The JSON Schema of the chosen event type's data, from GetEventTypeSchema (design time only). */
export const EVENT_DATA_SCHEMA: DynamicSchemaHint = {
  operationId: "GetEventTypeSchema",
  valuePath: "schema",
  parameters: { eventType: { parameter: "eventType" } },
};

/** Why the flow-run headers are not connector inputs. */
const PLATFORM_HEADER =
  "Power Automate and Logic Apps add this header to every connector call themselves; a maker must not be asked for it. The API reads it to correlate the event with the flow run.";

const SchemaVersionQuery = Type.Integer({
  minimum: 1,
  description: "The version of the event type's contract; the latest version when omitted.",
  "x-ms-summary": "Schema version",
  "x-ms-visibility": "advanced",
});

const schemaVersionOutput = Type.Integer({ minimum: 1, description: "The version of the event type's contract.", "x-ms-summary": "Schema version" });
const eventTypeOutput = Type.String({ description: "The event type.", "x-ms-summary": "Event type" });

/** SendEvent. */
export const sendEvent = defineOperation({
  operationId: "SendEvent",
  method: "post",
  path: "/entities/{entity}/events/{eventType}",
  summary: "Send a business event",
  description:
    "Sends a typed business event, such as OrderSubmitted, to a queue or topic. The body is the event's data, checked against the event type's contract. " +
    "The API builds the envelope: a stable message id from the business key (so duplicate detection catches a retried send), the correlation id of the calling flow run, " +
    "the event type and schema version as application properties for topic rules, and a session id when the event type orders its events. " +
    "Fields that look like secrets are refused.",
  tags: ["Events"],
  request: {
    params: Type.Object({ entity: EntityParam, eventType: EventTypeParam }),
    query: Type.Object({
      schemaVersion: Type.Optional(SchemaVersionQuery),
      correlationId: Type.Optional(
        Type.String({
          maxLength: 128,
          description: "A correlation id for the event; the calling flow run's id is used when the request comes from Power Automate.",
          "x-ms-summary": "Correlation ID",
          "x-ms-visibility": "advanced",
        }),
      ),
      occurredUtc: Type.Optional(
        Type.String({
          format: "date-time",
          description: "When the business event happened (ISO 8601); now when omitted.",
          "x-ms-summary": "Occurred at (UTC)",
          "x-ms-visibility": "advanced",
        }),
      ),
    }),
    headers: Type.Object({
      "x-ms-workflow-run-id": Type.Optional(
        Type.String({ maxLength: 128, description: "The Power Automate flow run that sends the event.", "x-ms-summary": "Flow run ID" }),
      ),
      "x-ms-client-tracking-id": Type.Optional(
        Type.String({ maxLength: 128, description: "The client tracking id of the calling flow.", "x-ms-summary": "Client tracking ID" }),
      ),
    }),
    body: Type.Object(
      {},
      {
        additionalProperties: true,
        description: "The event's data, as the event type's contract describes it.",
        "x-ms-summary": "Event data",
      },
    ),
  },
  success: {
    status: 201,
    description: "The event was sent.",
    schema: Type.Object(
      {
        messageId: Type.String({ description: "The event's stable message id.", "x-ms-summary": "Message ID" }),
        correlationId: Type.String({ description: "The correlation id the event carries.", "x-ms-summary": "Correlation ID" }),
        eventType: eventTypeOutput,
        schemaVersion: schemaVersionOutput,
        sessionId: Type.Optional(
          Type.String({ description: "The session the event was sent in, for event types ordered per business object.", "x-ms-summary": "Session ID" }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "EventTypeNotFound", "MessageSizeExceeded", "SessionIdRequired"],
  auth: { scopes: ["send"], entity: "send" },
  connector: {
    visibility: "important",
    parameters: {
      entity: PICKERS.entity,
      eventType: eventTypePicker("entity"),
      "x-ms-workflow-run-id": { excludeFromConnector: PLATFORM_HEADER },
      "x-ms-client-tracking-id": { excludeFromConnector: PLATFORM_HEADER },
    },
    bodySummary: "Event data",
    dynamicSchemas: { body: EVENT_DATA_SCHEMA },
  },
});

const EventTypeSummary = Type.Object(
  {
    eventType: eventTypeOutput,
    schemaVersion: schemaVersionOutput,
    title: Type.String({ description: "A short human name of the event type.", "x-ms-summary": "Title" }),
    description: Type.String({ description: "What the event means and when it is sent.", "x-ms-summary": "Description" }),
    entities: Type.Array(Type.String(), {
      description: "The queues and topics that may carry it, among those this API exposes and the API key may use.",
      "x-ms-summary": "Entities",
    }),
  },
  { additionalProperties: false },
);

/** ListEventTypes. */
export const listEventTypes = defineOperation({
  operationId: "ListEventTypes",
  method: "get",
  path: "/event-types",
  summary: "List event types",
  description: "Lists the business event types of the catalog (their latest versions), optionally only those that may be sent to one queue or topic.",
  tags: ["Events"],
  request: {
    query: Type.Object({
      entity: Type.Optional(
        Type.String({ maxLength: 260, description: "Only event types that may be sent to this queue or topic.", "x-ms-summary": "Queue or topic" }),
      ),
    }),
  },
  success: {
    status: 200,
    description: "The event types.",
    schema: Type.Object(
      { eventTypes: Type.Array(EventTypeSummary, { description: "The event types.", "x-ms-summary": "Event types" }) },
      { additionalProperties: false },
    ),
  },
  problems: [...COMMON_PROBLEMS],
  auth: { scopes: [] },
  connector: { visibility: "internal" },
});

/** GetEventTypeSchema. */
export const getEventTypeSchema = defineOperation({
  operationId: "GetEventTypeSchema",
  method: "get",
  path: "/event-types/{eventType}/schema",
  summary: "Get the schema of an event type",
  description: "Returns the JSON Schema of an event type's data, which Power Automate uses to show the event's fields as typed inputs and outputs.",
  tags: ["Events"],
  request: {
    params: Type.Object({ eventType: EventTypeParam }),
    query: Type.Object({ schemaVersion: Type.Optional(SchemaVersionQuery) }),
  },
  success: {
    status: 200,
    description: "The event type's schema.",
    schema: Type.Object(
      {
        eventType: eventTypeOutput,
        schemaVersion: schemaVersionOutput,
        schema: Type.Object({}, { additionalProperties: true, description: "The JSON Schema of the event's data.", "x-ms-summary": "Schema" }),
      },
      { additionalProperties: false },
    ),
  },
  problems: [...COMMON_PROBLEMS, "EventTypeNotFound"],
  auth: { scopes: [] },
  connector: { visibility: "internal" },
});

/** The event operations. */
export const eventOperations = { sendEvent, listEventTypes, getEventTypeSchema };
