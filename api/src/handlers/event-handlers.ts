/** Handlers of the typed business events: SendEvent, ListEventTypes, GetEventTypeSchema. */
import { randomUUID } from "node:crypto";
import type { ApiKeyRecord } from "../auth/api-keys.js";
import type { ExposedEntities } from "../config/exposed-entities.js";
import { allowListCovers, findSendEntity } from "../config/exposed-entities.js";
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
  /** The exposed entities: the catalog names only those (and only those the calling key may use). */
  entities: ExposedEntities;
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

/**
 * The configured spelling of a queue or topic the catalog names, when the configuration exposes it and the
 * key may use it; undefined otherwise, so entities hidden from the key are never named to it.
 */
function usableEntity(entities: ExposedEntities, apiKey: ApiKeyRecord, name: string): string | undefined {
  const entity = findSendEntity(entities, name);
  return entity && allowListCovers(apiKey.entities, entity) ? entityName(entity) : undefined;
}

/** The entities of an event type's contract that the key may use, in configured spelling. */
function usableEntities(entities: ExposedEntities, apiKey: ApiKeyRecord, definition: EventTypeDefinition): string[] {
  return definition.entities.flatMap((name) => usableEntity(entities, apiKey, name) ?? []);
}

/** Bindings of the event operations. */
export function eventBindings({ messaging, catalog, entities, now, source, newId = randomUUID }: EventHandlerDeps): OperationBinding[] {
  return [
    bindOperation(eventOperations.sendEvent, async ({ params, query, headers, body, entity, apiKey }) => {
      const definition = definitionOf(catalog, params.eventType, query.schemaVersion);
      const name = entityName(entity);
      if (!definition.entities.some((each) => each.toLowerCase() === name.toLowerCase())) {
        const allowed = usableEntities(entities, apiKey, definition);
        const hint =
          allowed.length > 0 ? `its contract allows ${allowed.join(", ")}` : "its contract allows none of the queues and topics this API key may use";
        throw new ProblemError("ValidationFailed", {
          errors: { params: [{ field: "/entity", message: `${definition.eventType} may not be sent to '${name}'; ${hint}` }] },
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
    bindOperation(eventOperations.listEventTypes, async ({ query, apiKey }) => {
      // An entity the key cannot use carries no event types for it, whether or not the catalog names it.
      const hidden = query.entity !== undefined && usableEntity(entities, apiKey, query.entity) === undefined;
      return {
        body: {
          eventTypes: (hidden ? [] : catalog.latest(query.entity)).map((definition) => ({
            eventType: definition.eventType,
            schemaVersion: definition.schemaVersion,
            title: definition.title,
            description: definition.description,
            entities: usableEntities(entities, apiKey, definition),
          })),
        },
      };
    }),
    bindOperation(eventOperations.getEventTypeSchema, async ({ params, query }) => {
      const definition = definitionOf(catalog, params.eventType, query.schemaVersion);
      return { body: { eventType: definition.eventType, schemaVersion: definition.schemaVersion, schema: definition.dataSchema } };
    }),
  ];
}
