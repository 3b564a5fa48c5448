/** Handlers of the list operations: only exposed entities the API key may use. */
import type { ExposedEntities } from "../config/exposed-entities.js";
import { allowListCovers, findTopic } from "../config/exposed-entities.js";
import { discoveryOperations } from "../contract/registry.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";

/** Bindings of ListQueues, ListTopics, ListSubscriptions and ListSendEntities. */
export function discoveryBindings(entities: ExposedEntities): OperationBinding[] {
  const visibleTopics = (allowed: readonly string[]) =>
    entities.topics.filter(
      (topic) =>
        allowListCovers(allowed, { kind: "topic", topic: topic.name }) ||
        topic.subscriptions.some((subscription) => allowListCovers(allowed, { kind: "subscription", topic: topic.name, subscription })),
    );
  const visibleQueues = (allowed: readonly string[]) => entities.queues.filter((queue) => allowListCovers(allowed, { kind: "queue", queue }));
  return [
    bindOperation(discoveryOperations.listQueues, async ({ apiKey }) => ({
      body: { value: visibleQueues(apiKey.entities).map((name) => ({ name })) },
    })),
    bindOperation(discoveryOperations.listTopics, async ({ apiKey }) => ({
      body: { value: visibleTopics(apiKey.entities).map((topic) => ({ name: topic.name })) },
    })),
    bindOperation(discoveryOperations.listSubscriptions, async ({ apiKey, params }) => {
      const topic = findTopic(entities, params.topic);
      if (!topic) throw new ProblemError("MessagingEntityNotFound");
      const value = topic.subscriptions
        .filter((subscription) => allowListCovers(apiKey.entities, { kind: "subscription", topic: topic.name, subscription }))
        .map((subscription) => ({ name: subscription, topic: topic.name }));
      if (value.length === 0 && !allowListCovers(apiKey.entities, { kind: "topic", topic: topic.name })) {
        throw new ProblemError("Forbidden", { detail: "The API key is not allowed to use this topic." });
      }
      return { body: { value } };
    }),
    bindOperation(discoveryOperations.listSendEntities, async ({ apiKey }) => ({
      body: {
        value: [
          ...visibleQueues(apiKey.entities).map((name) => ({ name, kind: "queue" as const })),
          ...entities.topics
            .filter((topic) => allowListCovers(apiKey.entities, { kind: "topic", topic: topic.name }))
            .map((topic) => ({ name: topic.name, kind: "topic" as const })),
        ],
      },
    })),
  ];
}
