/** Handlers of the webhook triggers: subscribe, read a subscription's state, delete it. */
import { DEFAULT_WEBHOOK_CONCURRENCY } from "../contract/operations/webhooks.js";
import type { webhookOperations } from "../contract/operations/webhooks.js";
import type { EventCatalog } from "../events/event-catalog.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { WebhookRecord } from "../webhooks/webhook-registry.js";
import { webhookEntityName } from "../webhooks/webhook-subscriptions.js";
import type { WebhookSubscriptions } from "../webhooks/webhook-subscriptions.js";

/** What the webhook handlers need. */
export interface WebhookHandlerDeps {
  /** Undefined when webhooks are not configured (no callback key): every operation answers 503 WebhooksNotConfigured. */
  webhooks: WebhookSubscriptions | undefined;
  catalog: EventCatalog;
  /** The API's public base URL: the origin of the Location of a subscription (the request's origin otherwise). */
  publicBaseUrl?: string;
}

/** The state a subscription shows (never its callback URL). */
function stateOf(record: WebhookRecord) {
  const { counts } = record;
  return {
    id: record.id,
    entity: webhookEntityName(record.source),
    ...(record.eventType === undefined ? {} : { eventType: record.eventType }),
    maxConcurrentCalls: record.maxConcurrentCalls,
    createdAt: record.createdAt,
    delivered: counts.delivered,
    failed: counts.failed,
    ...(counts.lastDeliveryAt === undefined ? {} : { lastDeliveryAt: counts.lastDeliveryAt }),
    ...(counts.lastFailure === undefined ? {} : { lastFailure: counts.lastFailure }),
    ...(counts.goneAt === undefined ? {} : { goneAt: counts.goneAt }),
  };
}

/** The subscription's URL: the subscribe path plus its id, at the public base URL when one is configured. */
function locationOf(requestUrl: URL, id: string, publicBaseUrl: string | undefined): string {
  const base = (publicBaseUrl ?? requestUrl.origin).replace(/\/+$/, "");
  return `${base}${requestUrl.pathname.replace(/\/+$/, "")}/${id}`;
}

/** Bindings of one entity kind's webhook operations. */
export function webhookBindings(
  operations: ReturnType<typeof webhookOperations>,
  { webhooks, catalog, publicBaseUrl }: WebhookHandlerDeps,
): OperationBinding[] {
  const configured = (): WebhookSubscriptions => {
    if (!webhooks) throw new ProblemError("WebhooksNotConfigured");
    return webhooks;
  };
  return [
    bindOperation(operations.subscribe, async ({ entity, query, body, apiKey, requestUrl }) => {
      const subscriptions = configured();
      if (query.eventType !== undefined && !catalog.find(query.eventType)) {
        throw new ProblemError("EventTypeNotFound", { detail: `The event catalog has no event type '${query.eventType}'; see ListEventTypes.` });
      }
      const record = await subscriptions.subscribe({
        source: entity,
        callbackUrl: body.callbackUrl,
        ...(query.eventType === undefined ? {} : { eventType: query.eventType }),
        maxConcurrentCalls: body.maxConcurrentCalls ?? DEFAULT_WEBHOOK_CONCURRENCY,
        createdBy: apiKey.name,
      });
      return { body: stateOf(record), headers: { Location: locationOf(requestUrl, record.id, publicBaseUrl) } };
    }),
    bindOperation(operations.get, async ({ entity, params }) => {
      const record = await configured().get(entity, params.webhookId);
      if (!record) throw new ProblemError("WebhookSubscriptionNotFound");
      return { body: stateOf(record) };
    }),
    bindOperation(operations.delete, async ({ entity, params, log }) => {
      const removed = await configured().delete(entity, params.webhookId);
      log.info({ removed }, removed ? "webhook subscription deleted" : "webhook delete for no subscription");
      return {};
    }),
  ];
}
