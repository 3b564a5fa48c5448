/** Every operation of the registry bound to its handler. */
import type { ExposedEntities } from "../config/exposed-entities.js";
import { queueOperations, queueWebhookOperations, subscriptionOperations, subscriptionWebhookOperations, triggerOperations } from "../contract/registry.js";
import type { OperationBinding } from "../http/operation-binding.js";
import type { ManagementPort } from "../servicebus/management-port.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";
import type { EventCatalog } from "../events/event-catalog.js";
import { discoveryBindings } from "./discovery-handlers.js";
import { eventBindings } from "./event-handlers.js";
import { managementBindings } from "./management-handlers.js";
import { receiverBindings } from "./receive-handlers.js";
import { sendBindings } from "./send-handlers.js";
import { triggerBindings } from "./trigger-handlers.js";
import { webhookBindings } from "./webhook-handlers.js";
import type { WebhookSubscriptions } from "../webhooks/webhook-subscriptions.js";

/** What the handlers need. */
export interface HandlerDeps {
  messaging: MessagingPort;
  entities: ExposedEntities;
  now: () => Date;
  /** Service Bus's management API: backlog counts in lists, CreateSubscription / DeleteSubscription. */
  management?: ManagementPort;
  /** The business event contracts. */
  events: { catalog: EventCatalog; source: string };
  /** Polling-trigger timing (defaults: 1 s receive wait per poll, Retry-After 30 s while idle) and the public base URL of their Location. */
  triggers?: { receiveWaitInMs?: number; idleRetryAfterSeconds?: number; publicBaseUrl?: string };
  /** Webhook subscriptions; without them the webhook operations answer 503 WebhooksNotConfigured. */
  webhooks?: WebhookSubscriptions;
}

/** The bindings of all operations, one per registry entry. */
export function allBindings({ messaging, entities, now, management, events, triggers, webhooks }: HandlerDeps): OperationBinding[] {
  const webhookDeps = { webhooks, catalog: events.catalog, ...(triggers?.publicBaseUrl === undefined ? {} : { publicBaseUrl: triggers.publicBaseUrl }) };
  return [
    ...sendBindings(messaging, now),
    ...eventBindings({ messaging, catalog: events.catalog, entities, source: events.source, now }),
    ...receiverBindings(queueOperations, messaging, events.catalog),
    ...receiverBindings(subscriptionOperations, messaging, events.catalog),
    ...triggerBindings(triggerOperations, { messaging, catalog: events.catalog, ...triggers }),
    ...webhookBindings(queueWebhookOperations, webhookDeps),
    ...webhookBindings(subscriptionWebhookOperations, webhookDeps),
    ...discoveryBindings(entities, management),
    ...managementBindings(entities, management),
  ];
}
