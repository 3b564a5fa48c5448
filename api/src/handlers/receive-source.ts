import type { ResolvedEntity } from "../config/exposed-entities.js";
import type { ReceiveSource, SubQueue } from "../servicebus/messaging-port.js";

/** The receive source of a resolved queue or subscription. */
export function receiveSourceOf(entity: ResolvedEntity | undefined, subQueue: SubQueue | undefined): ReceiveSource {
  const part = subQueue ?? "main";
  if (entity?.kind === "queue") return { kind: "queue", queue: entity.queue, subQueue: part };
  if (entity?.kind === "subscription") return { kind: "subscription", topic: entity.topic, subscription: entity.subscription, subQueue: part };
  // Only reachable if an operation's contract names the wrong entity target: a programming error.
  throw new TypeError(`Operation expected a queue or subscription, got ${entity?.kind ?? "none"}.`);
}

/** The name of a resolved send entity (queue or topic). */
export function sendEntityName(entity: ResolvedEntity | undefined): string {
  if (entity?.kind === "queue") return entity.queue;
  if (entity?.kind === "topic") return entity.topic;
  throw new TypeError(`Operation expected a queue or topic, got ${entity?.kind ?? "none"}.`);
}
