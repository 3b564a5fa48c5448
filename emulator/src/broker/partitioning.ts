/**
 * Partitioned queues and topics. The emulator keeps one partition, so messages, sequence numbers, sessions and
 * duplicate detection behave as on any entity; what partitioning changes is what Service Bus refuses, which a
 * client sees: a message whose partition key differs from its session id, and a batch that would span
 * partitions (distinct session ids or partition keys; with duplicate detection, also distinct message ids).
 */
import type { IncomingMessage } from "./broker-message.js";
import { BrokerError, Conditions } from "./broker-errors.js";
import type { QueueEntity, TopicEntity } from "./entities.js";

function isPartitioned(target: QueueEntity | TopicEntity): boolean {
  return target.config.properties.enablePartitioning;
}

/** @throws BrokerError (amqp:not-allowed) for a message whose partition key is not its session id. */
export function checkPartitionKeys(target: QueueEntity | TopicEntity, messages: readonly IncomingMessage[]): void {
  if (!isPartitioned(target)) return;
  const mismatch = messages.find(
    (message) => message.sessionId !== undefined && message.partitionKey !== undefined && message.partitionKey !== message.sessionId,
  );
  if (mismatch) {
    throw new BrokerError(
      Conditions.notAllowed,
      `The PartitionKey '${mismatch.partitionKey}' of the message differs from its SessionId '${mismatch.sessionId}': ` +
        `on the partitioned entity '${target.path}' both must be the same.`,
      400,
    );
  }
}

function distinct(messages: readonly IncomingMessage[], field: (message: IncomingMessage) => string | undefined): boolean {
  return new Set(messages.map(field)).size > 1;
}

/** @throws BrokerError (amqp:not-allowed) for a batch whose messages would go to different partitions. */
export function checkPartitionedBatch(target: QueueEntity | TopicEntity, messages: readonly IncomingMessage[]): void {
  if (!isPartitioned(target) || messages.length < 2) return;
  const spansPartitions = distinct(messages, (message) => message.sessionId) || distinct(messages, (message) => message.partitionKey);
  if (target.config.properties.requiresDuplicateDetection) {
    if (spansPartitions || distinct(messages, (message) => message.messageId)) {
      throw new BrokerError(
        Conditions.notAllowed,
        "Batching brokered messages with distinct SessionId, PartitionKey, or MessageId is not supported for an entity " +
          `with partitioning and duplicate detection enabled ('${target.path}').`,
        400,
      );
    }
    return;
  }
  if (spansPartitions) {
    throw new BrokerError(
      Conditions.notAllowed,
      `Batching brokered messages with distinct SessionId or PartitionKey is not supported for an entity with partitioning enabled ('${target.path}').`,
      400,
    );
  }
}
