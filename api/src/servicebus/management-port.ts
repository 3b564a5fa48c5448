/**
 * The seam between HTTP handlers and Service Bus's management API (entity properties, backlog counts,
 * creating and deleting subscriptions). The Azure implementation is {@link createAdminManagement};
 * without one, lists carry no counts and management operations answer 503.
 */
import type { QueueEntity, SubscriptionEntity } from "../contract/entity.js";

/** Backlog counts of an entity; each is absent where the entity kind has none or it is unknown. */
export interface EntityCounts {
  activeMessageCount?: number;
  deadLetterMessageCount?: number;
  scheduledMessageCount?: number;
}

/** A subscription's rule at creation: a correlation filter or a SQL filter, and an optional SQL action. */
export interface SubscriptionRuleInput {
  name?: string;
  correlationFilter?: {
    correlationId?: string;
    messageId?: string;
    to?: string;
    replyTo?: string;
    subject?: string;
    sessionId?: string;
    replyToSessionId?: string;
    contentType?: string;
    applicationProperties?: Record<string, string | number | boolean>;
  };
  sqlFilter?: string;
  sqlAction?: string;
}

/** What {@link ManagementPort.createSubscription} takes. */
export interface CreateSubscriptionInput {
  rule?: SubscriptionRuleInput;
  requiresSession?: boolean;
  maxDeliveryCount?: number;
  lockDurationInMs?: number;
  defaultMessageTimeToLiveInMs?: number;
  deadLetteringOnMessageExpiration?: boolean;
}

/** A created subscription. */
export interface SubscriptionInfo {
  topic: string;
  name: string;
  requiresSession: boolean;
  maxDeliveryCount: number;
  lockDurationInMs: number;
}

/**
 * Service Bus management. The read methods never reject: when the management API does not answer
 * they resolve to empty maps or undefined, because lists must work without counts. The write methods
 * reject with a GatewayError (kind `management`).
 */
export interface ManagementPort {
  /** Counts of queues, by the names given (entries missing when unknown). */
  queueCounts(names: readonly string[]): Promise<Map<string, EntityCounts>>;
  /** Counts of topics (scheduled messages only). */
  topicCounts(names: readonly string[]): Promise<Map<string, EntityCounts>>;
  /** The topic's subscriptions with their counts, or undefined when the management API does not answer. */
  listSubscriptions(topic: string): Promise<Array<{ name: string } & EntityCounts> | undefined>;
  /** Whether a queue or subscription requires sessions; undefined when unknown. */
  requiresSession(entity: QueueEntity | SubscriptionEntity): Promise<boolean | undefined>;
  /** @throws GatewayError management: 404 (no topic), 409 (exists), 400 (bad SQL), or Service Bus unreachable. */
  createSubscription(topic: string, name: string, input: CreateSubscriptionInput): Promise<SubscriptionInfo>;
  /** @throws GatewayError management: 404 (no subscription), or Service Bus unreachable. */
  deleteSubscription(topic: string, name: string): Promise<void>;
}
