/**
 * Handlers of CreateSubscription and DeleteSubscription. They act only on exposed topics that expose
 * all their subscriptions ("*" in the configuration), so a subscription created here is usable through
 * the API at once, and never on subscriptions the configuration names (409 SubscriptionIsConfigured), so
 * the configuration never names a subscription that was deleted or replaced here.
 */
import type { ApiKeyRecord } from "../auth/api-keys.js";
import type { ExposedEntities, ExposedTopic } from "../config/exposed-entities.js";
import { allowListCovers, findTopic } from "../config/exposed-entities.js";
import { managementOperations } from "../contract/registry.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { ManagementPort, SubscriptionRuleInput } from "../servicebus/management-port.js";

function managedTopic(entities: ExposedEntities, apiKey: ApiKeyRecord, topicName: string, subscription: string): ExposedTopic {
  const topic = findTopic(entities, topicName);
  if (!topic) throw new ProblemError("MessagingEntityNotFound");
  // Outside the key's allow-list: the same answer as for a topic that does not exist.
  if (!allowListCovers(apiKey.entities, { kind: "subscription", topic: topic.name, subscription })) throw new ProblemError("MessagingEntityNotFound");
  if (!topic.allSubscriptions) {
    throw new ProblemError("Forbidden", {
      detail: `This API exposes only configured subscriptions of topic '${topic.name}', so it does not create or delete its subscriptions. An administrator can add "*" to the topic's subscriptions in the configuration.`,
    });
  }
  const configured = topic.subscriptions.find((name) => name.toLowerCase() === subscription.toLowerCase());
  if (configured !== undefined) {
    throw new ProblemError("SubscriptionIsConfigured", {
      detail: `The configuration names subscription '${configured}' of topic '${topic.name}', so it cannot be replaced or deleted through the API; only subscriptions created through the API can be.`,
    });
  }
  return topic;
}

function requireManagement(management: ManagementPort | undefined): ManagementPort {
  if (!management) {
    throw new ProblemError("ServiceCommunicationProblem", { detail: "This API has no access to Service Bus's management API." });
  }
  return management;
}

/** Bindings of the management operations. */
export function managementBindings(entities: ExposedEntities, management: ManagementPort | undefined): OperationBinding[] {
  return [
    bindOperation(managementOperations.createSubscription, async ({ apiKey, params, body }) => {
      const topic = managedTopic(entities, apiKey, params.topic, params.subscription);
      if (body?.correlationFilter !== undefined && body.sqlFilter !== undefined) {
        throw new ProblemError("ValidationFailed", {
          errors: { body: [{ field: "/sqlFilter", message: "must not be given together with correlationFilter" }] },
        });
      }
      const rule: SubscriptionRuleInput | undefined =
        body?.correlationFilter !== undefined || body?.sqlFilter !== undefined || body?.sqlAction !== undefined || body?.ruleName !== undefined
          ? {
              ...(body.ruleName === undefined ? {} : { name: body.ruleName }),
              ...(body.correlationFilter === undefined ? {} : { correlationFilter: body.correlationFilter }),
              ...(body.sqlFilter === undefined ? {} : { sqlFilter: body.sqlFilter }),
              ...(body.sqlAction === undefined ? {} : { sqlAction: body.sqlAction }),
            }
          : undefined;
      const created = await requireManagement(management).createSubscription(topic.name, params.subscription, {
        ...(rule ? { rule } : {}),
        ...(body?.requiresSession === undefined ? {} : { requiresSession: body.requiresSession }),
        ...(body?.maxDeliveryCount === undefined ? {} : { maxDeliveryCount: body.maxDeliveryCount }),
        ...(body?.lockDurationSeconds === undefined ? {} : { lockDurationInMs: body.lockDurationSeconds * 1000 }),
        ...(body?.defaultMessageTimeToLiveSeconds === undefined ? {} : { defaultMessageTimeToLiveInMs: body.defaultMessageTimeToLiveSeconds * 1000 }),
        ...(body?.deadLetteringOnMessageExpiration === undefined ? {} : { deadLetteringOnMessageExpiration: body.deadLetteringOnMessageExpiration }),
      });
      return {
        body: {
          topic: created.topic,
          name: created.name,
          requiresSession: created.requiresSession,
          maxDeliveryCount: created.maxDeliveryCount,
          lockDurationSeconds: created.lockDurationInMs / 1000,
        },
      };
    }),
    bindOperation(managementOperations.deleteSubscription, async ({ apiKey, params }) => {
      const topic = managedTopic(entities, apiKey, params.topic, params.subscription);
      await requireManagement(management).deleteSubscription(topic.name, params.subscription);
      return {};
    }),
  ];
}
