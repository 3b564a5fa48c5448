/** Handlers of the typed business events: SendEvent, ListEventTypes, GetEventTypeSchema. */
import { randomUUID } from "node:crypto";
import { entityName } from "../contract/entity.js";
import { eventOperations } from "../contract/operations/events.js";
import type { EventCatalog } from "../events/event-catalog.js";
import { buildEventMessage } from "../events/event-envelope.js";
import type { EventTypeDefinition } from "../events/event-type.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";

/** What the event handlers need. */
export interface EventHandlerDeps {
  messaging: MessagingPort;
  catalog: EventCatalog;
  now: () => Date;
  /** The `source` of events this API sends. */
  source: string;
  newId?: () => string;
}

function definitionOf(catalog: EventCatalog, eventType: string, schemaVersion: number | undefined): EventTypeDefinition {
  const definition = catalog.find(eventType, schemaVersion);
  if (!definition) {
    const known = catalog.find(eventType);
    throw new ProblemError("EventTypeNotFound", {
      detail: known
        ? `${known.eventType} has no version ${String(schemaVersion)}; its latest version is ${known.schemaVersion}.`
        : `The event catalog has no event type '${eventType}'; see ListEventTypes.`,
    });
  }
  return definition;
}

/** Bindings of the event operations. */
export function eventBindings({ messaging, catalog, now, source, newId = randomUUID }: EventHandlerDeps): OperationBinding[] {
  return [
    bindOperation(eventOperations.sendEvent, async ({ params, query, headers, body, entity }) => {
      const definition = definitionOf(catalog, params.eventType, query.schemaVersion);
      const name = entityName(entity);
      if (!definition.entities.some((each) => each.toLowerCase() === name.toLowerCase())) {
        throw new ProblemError("ValidationFailed", {
          errors: { params: [{ field: "/entity", message: `${definition.eventType} may not be sent to '${name}'; its contract allows ${definition.entities.join(", ")}` }] },
        });
      }
      const result = buildEventMessage(catalog, definition, body, {
        flowRunId: headers["x-ms-workflow-run-id"] ?? headers["x-ms-client-tracking-id"],
        correlationId: query.correlationId,
        occurredUtc: query.occurredUtc,
        source,
        now: now(),
        newId,
      });
      if (!result.ok) throw new ProblemError("ValidationFailed", { errors: { body: result.errors } });
      await messaging.sendMessage(entity, result.message);
      const { envelope } = result;
      return {
        body: {
          messageId: envelope.messageId,
          correlationId: envelope.correlationId,
          eventType: envelope.eventType,
          schemaVersion: envelope.schemaVersion,
          ...(result.message.sessionId !== undefined && { sessionId: result.message.sessionId }),
        },
      };
    }),
    bindOperation(eventOperations.listEventTypes, async ({ query }) => ({
      body: {
        eventTypes: catalog.latest(query.entity).map((definition) => ({
          eventType: definition.eventType,
          schemaVersion: definition.schemaVersion,
          title: definition.title,
          description: definition.description,
          entities: [...definition.entities],
        })),
      },
    })),
    bindOperation(eventOperations.getEventTypeSchema, async ({ params, query }) => {
      const definition = definitionOf(catalog, params.eventType, query.schemaVersion);
      return { body: { eventType: definition.eventType, schemaVersion: definition.schemaVersion, schema: definition.dataSchema } };
    }),
  ];
}
