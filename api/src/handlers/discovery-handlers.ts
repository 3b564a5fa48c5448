/**
 * Handlers of the list operations: only exposed entities the API key may use. Keys of scope manage also
 * see each entity's backlog, read from the management API; when it does not answer, lists come
 * without counts rather than failing.
 */
import type { ApiKeyRecord } from "../auth/api-keys.js";
import { hasScopes } from "../auth/api-keys.js";
import type { ExposedEntities, ExposedTopic } from "../config/exposed-entities.js";
import { allowListCovers, findTopic } from "../config/exposed-entities.js";
import { discoveryOperations } from "../contract/registry.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { EntityCounts, ManagementPort } from "../servicebus/management-port.js";

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Bindings of ListQueues, ListTopics, ListSubscriptions and ListSendEntities. */
export function discoveryBindings(entities: ExposedEntities, management?: ManagementPort): OperationBinding[] {
  const visibleTopics = (allowed: readonly string[]) =>
    entities.topics.filter(
      (topic) =>
        allowListCovers(allowed, { kind: "topic", topic: topic.name }) ||
        topic.subscriptions.some((subscription) => allowListCovers(allowed, { kind: "subscription", topic: topic.name, subscription })),
    );
  const visibleQueues = (allowed: readonly string[]) => entities.queues.filter((queue) => allowListCovers(allowed, { kind: "queue", queue }));
  const withCounts = (apiKey: ApiKeyRecord): boolean => management !== undefined && hasScopes(apiKey, ["manage"]);
  const noCounts = async () => new Map<string, EntityCounts>();
  const queueCounts = (apiKey: ApiKeyRecord, names: readonly string[]) => (withCounts(apiKey) && management ? management.queueCounts(names) : noCounts());
  const topicCounts = (apiKey: ApiKeyRecord, names: readonly string[]) => (withCounts(apiKey) && management ? management.topicCounts(names) : noCounts());

  /** The topic's subscriptions: the configured ones, plus (for topics exposing all) those Service Bus lists. */
  const subscriptionsOf = async (topic: ExposedTopic, apiKey: ApiKeyRecord): Promise<Array<{ name: string } & EntityCounts>> => {
    const listed = topic.allSubscriptions || withCounts(apiKey) ? await management?.listSubscriptions(topic.name) : undefined;
    const result: Array<{ name: string } & EntityCounts> = [];
    for (const name of topic.subscriptions) {
      const found = listed?.find((each) => same(each.name, name));
      result.push(found ? { ...found, name } : { name });
    }
    if (topic.allSubscriptions) {
      for (const each of listed ?? []) if (!topic.subscriptions.some((name) => same(name, each.name))) result.push(each);
    }
    return withCounts(apiKey) ? result : result.map(({ name }) => ({ name }));
  };

  return [
    bindOperation(discoveryOperations.listQueues, async ({ apiKey }) => {
      const names = visibleQueues(apiKey.entities);
      const counts = await queueCounts(apiKey, names);
      return { body: { value: names.map((name) => ({ name, ...counts.get(name) })) } };
    }),
    bindOperation(discoveryOperations.listTopics, async ({ apiKey }) => {
      const names = visibleTopics(apiKey.entities).map((topic) => topic.name);
      const counts = await topicCounts(apiKey, names);
      return { body: { value: names.map((name) => ({ name, ...counts.get(name) })) } };
    }),
    bindOperation(discoveryOperations.listSubscriptions, async ({ apiKey, params }) => {
      const topic = findTopic(entities, params.topic);
      if (!topic) throw new ProblemError("MessagingEntityNotFound");
      const value = (await subscriptionsOf(topic, apiKey))
        .filter((subscription) => allowListCovers(apiKey.entities, { kind: "subscription", topic: topic.name, subscription: subscription.name }))
        .map((subscription) => ({ ...subscription, topic: topic.name }));
      // A topic the key may use none of looks like one that does not exist.
      if (value.length === 0 && !allowListCovers(apiKey.entities, { kind: "topic", topic: topic.name })) throw new ProblemError("MessagingEntityNotFound");
      return { body: { value } };
    }),
    bindOperation(discoveryOperations.listSendEntities, async ({ apiKey }) => {
      const queues = visibleQueues(apiKey.entities);
      const topics = entities.topics.filter((topic) => allowListCovers(apiKey.entities, { kind: "topic", topic: topic.name })).map((topic) => topic.name);
      const [queueCount, topicCount] = await Promise.all([queueCounts(apiKey, queues), topicCounts(apiKey, topics)]);
      return {
        body: {
          value: [
            ...queues.map((name) => ({ name, kind: "queue" as const, ...queueCount.get(name) })),
            ...topics.map((name) => ({ name, kind: "topic" as const, ...topicCount.get(name) })),
          ],
        },
      };
    }),
  ];
}
