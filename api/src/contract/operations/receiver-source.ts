/** The two kinds of entity messages are received from, and how their operations are named and routed. */
import { Type } from "@sinclair/typebox";
import type { TObject } from "@sinclair/typebox";
import type { EntityTarget } from "../operation.js";
import { QueueParam, SubscriptionParam, TopicParam } from "../schemas/common.js";
import type { Tag } from "../tags.js";

/** How a receivable entity appears in operation ids, summaries, paths and parameters. */
export interface ReceiverSourceSpec {
  /** `queue` or `subscription`. */
  target: Extract<EntityTarget, "queue" | "subscription">;
  /** Suffix of "In" operation ids: `InQueue`, `InSubscription`. */
  inSuffix: string;
  /** Suffix of "From" operation ids: `FromQueue`, `FromSubscription`. */
  fromSuffix: string;
  /** `a queue` / `a subscription`, for summaries. */
  noun: string;
  pathPrefix: string;
  params: TObject;
  tag: Tag;
}

/** Queues. */
export const QUEUE_SOURCE: ReceiverSourceSpec = {
  target: "queue",
  inSuffix: "InQueue",
  fromSuffix: "FromQueue",
  noun: "a queue",
  pathPrefix: "/queues/{queue}",
  params: Type.Object({ queue: QueueParam }),
  tag: "Queues",
};

/** Topic subscriptions. */
export const SUBSCRIPTION_SOURCE: ReceiverSourceSpec = {
  target: "subscription",
  inSuffix: "InSubscription",
  fromSuffix: "FromSubscription",
  noun: "a subscription",
  pathPrefix: "/topics/{topic}/subscriptions/{subscription}",
  params: Type.Object({ topic: TopicParam, subscription: SubscriptionParam }),
  tag: "Subscriptions",
};
