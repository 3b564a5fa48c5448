import type { QueueEntity, ReceivableEntity, SubscriptionEntity } from "../contract/entity.js";

/** The Service Bus entity path of a queue or subscription (its main entity): `queue` or `topic/Subscriptions/subscription`. */
export function entityPathOf(entity: QueueEntity | SubscriptionEntity): string {
  return entity.kind === "queue" ? entity.queue : `${entity.topic}/Subscriptions/${entity.subscription}`;
}

/** A key naming the source including its sub-queue, for caches and the lock registry. */
export function sourceKey(source: ReceivableEntity): string {
  return `${entityPathOf(source)}${source.subQueue === "deadLetter" ? "/$DeadLetterQueue" : ""}`;
}
