import type { ReceiveSource } from "./messaging-port.js";

/** The Service Bus entity path of a source's main entity: `queue` or `topic/Subscriptions/subscription`. */
export function entityPathOf(source: ReceiveSource): string {
  return source.kind === "queue" ? source.queue : `${source.topic}/Subscriptions/${source.subscription}`;
}

/** A key naming the source including its sub-queue, for caches and the lock registry. */
export function sourceKey(source: ReceiveSource): string {
  return `${entityPathOf(source)}${source.subQueue === "deadLetter" ? "/$DeadLetterQueue" : ""}`;
}

/** The entity messages of a source are sent to when resubmitted: the queue, or the subscription's topic. */
export function sendEntityOf(source: ReceiveSource): string {
  return source.kind === "queue" ? source.queue : source.topic;
}
