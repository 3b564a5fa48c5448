/**
 * `QueueDescription`, `TopicDescription` and `SubscriptionDescription`: reading the ones the SDK PUTs into our
 * config types and writing the ones it reads back (`buildQueue`, `buildQueueRuntimeProperties`, ... in
 * `@azure/service-bus`'s serializers), which need every property they parse, the three timestamps and the
 * `CountDetails` with a prefixed namespace.
 *
 * Reading fills in `base` (the HTTP layer passes Service Bus defaults): present elements replace its values,
 * absent ones keep them.
 */
import type {
  DuplicateDetectionProperties,
  PartitioningProperties,
  QueueConfig,
  ReceivableEntityProperties,
  SubscriptionConfig,
  TopicConfig,
} from "../config/emulator-config.js";
import type { EntityRuntimeCounts, SubscriptionDescription, TopicDescription } from "./admin-backend.js";
import { AdminError } from "./admin-errors.js";
import {
  formatServiceDuration,
  formatTimestamp,
  MAX_INT32,
  readBoolean,
  readDuration,
  readForwardTarget,
  readInteger,
  readString,
  readTimeToLive,
  TIMESPAN_MAX_TEXT,
} from "./description-values.js";
import { xmlChild, xmlChildNames, xmlChildText } from "./xml-reader.js";
import { xmlElement, xmlText } from "./xml-writer.js";

/** Namespace of the description elements. */
export const SERVICE_BUS_NAMESPACE = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
/** Namespace of `i:type` and `i:nil`. */
export const XML_SCHEMA_INSTANCE_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";
const COUNT_DETAILS_NAMESPACE = "http://schemas.microsoft.com/netservices/2011/06/servicebus";

/**
 * Properties the API accepts and reports back but the broker does not act on (`AutoDeleteOnIdle` is not
 * enforced, sizes are not limited). The HTTP layer keeps them per entity so that a read returns what was set.
 */
export interface DescriptiveProperties {
  userMetadata: string | undefined;
  /** Queues and topics. */
  maxSizeInMegabytes: number;
  enableBatchedOperations: boolean;
  /** Canonical ISO-8601 duration (`TimeSpan.MaxValue` for never). */
  autoDeleteOnIdle: string;
  /** Topics. */
  supportOrdering: boolean;
  /** Subscriptions. */
  deadLetteringOnFilterEvaluationExceptions: boolean;
}

/** Service Bus defaults for properties an entity is created without. */
export const DEFAULT_DESCRIPTIVE_PROPERTIES: Readonly<DescriptiveProperties> = {
  userMetadata: undefined,
  maxSizeInMegabytes: 1024,
  enableBatchedOperations: true,
  autoDeleteOnIdle: TIMESPAN_MAX_TEXT,
  supportOrdering: true,
  deadLetteringOnFilterEvaluationExceptions: true,
};

/** Service Bus defaults for a queue or subscription created through the API (not `Config.json`'s). */
export const DEFAULT_RECEIVABLE_PROPERTIES: Readonly<ReceivableEntityProperties> = {
  lockDurationInMs: 60_000,
  maxDeliveryCount: 10,
  defaultMessageTimeToLiveInMs: Number.POSITIVE_INFINITY,
  deadLetteringOnMessageExpiration: false,
  requiresSession: false,
  forwardTo: undefined,
  forwardDeadLetteredMessagesTo: undefined,
};

/** Service Bus defaults for duplicate detection of a queue or topic created through the API. */
export const DEFAULT_DUPLICATE_DETECTION: Readonly<DuplicateDetectionProperties> = {
  requiresDuplicateDetection: false,
  duplicateDetectionHistoryTimeWindowInMs: 10 * 60_000,
};

/** Service Bus's default for a queue or topic created through the API: not partitioned. */
export const DEFAULT_PARTITIONING: Readonly<PartitioningProperties> = { enablePartitioning: false };

/** An entity's properties as read from a description, split into what the broker uses and what it does not. */
export interface DescriptionState<P> {
  properties: P;
  descriptive: DescriptiveProperties;
}

/** What a written description reports besides the entity's configuration. */
export interface EntityView {
  createdAt: Date;
  updatedAt: Date;
  accessedAt: Date;
  counts: EntityRuntimeCounts;
  descriptive: DescriptiveProperties;
  /** Prefix for forwarding targets, e.g. `sb://127.0.0.1:5300/`, so that they read back as the SDK sent them. */
  forwardBase: string;
}

/** Reads a `QueueDescription` over `base`. @throws AdminError 400 for invalid or unsupported values. */
export function readQueueDescription(description: unknown, base: DescriptionState<QueueConfig["properties"]>): DescriptionState<QueueConfig["properties"]> {
  return {
    properties: {
      ...readReceivable(description, base.properties),
      ...readDuplicateDetection(description, base.properties),
      ...readPartitioning(description, base.properties),
    },
    descriptive: readDescriptive(description, base.descriptive, "Queue"),
  };
}

/** Reads a `TopicDescription` over `base`. @throws AdminError 400 for invalid or unsupported values. */
export function readTopicDescription(description: unknown, base: DescriptionState<TopicConfig["properties"]>): DescriptionState<TopicConfig["properties"]> {
  return {
    properties: {
      defaultMessageTimeToLiveInMs: readTimeToLive(description, base.properties.defaultMessageTimeToLiveInMs),
      ...readDuplicateDetection(description, base.properties),
      ...readPartitioning(description, base.properties),
    },
    descriptive: readDescriptive(description, base.descriptive, "Topic"),
  };
}

/**
 * Reads a `SubscriptionDescription` over `base`; its `DefaultRuleDescription` (if any) is left to the caller.
 * @throws AdminError 400 for invalid or unsupported values.
 */
export function readSubscriptionDescription(
  description: unknown,
  base: DescriptionState<SubscriptionConfig["properties"]>,
): DescriptionState<SubscriptionConfig["properties"]> {
  return {
    properties: readReceivable(description, base.properties),
    descriptive: readDescriptive(description, base.descriptive, "Subscription"),
  };
}

/** Writes the `QueueDescription` element of `queue`. */
export function writeQueueDescription(queue: QueueConfig, view: EntityView): string {
  const p = queue.properties;
  const d = view.descriptive;
  return xmlElement(
    "QueueDescription",
    { xmlns: SERVICE_BUS_NAMESPACE, "xmlns:i": XML_SCHEMA_INSTANCE_NAMESPACE },
    xmlText("LockDuration", formatServiceDuration(p.lockDurationInMs)),
    xmlText("MaxSizeInMegabytes", d.maxSizeInMegabytes),
    xmlText("RequiresDuplicateDetection", p.requiresDuplicateDetection),
    xmlText("RequiresSession", p.requiresSession),
    xmlText("DefaultMessageTimeToLive", formatServiceDuration(p.defaultMessageTimeToLiveInMs)),
    xmlText("DeadLetteringOnMessageExpiration", p.deadLetteringOnMessageExpiration),
    xmlText("DuplicateDetectionHistoryTimeWindow", formatServiceDuration(p.duplicateDetectionHistoryTimeWindowInMs)),
    xmlText("MaxDeliveryCount", p.maxDeliveryCount),
    xmlText("EnableBatchedOperations", d.enableBatchedOperations),
    xmlText("SizeInBytes", view.counts.sizeInBytes),
    xmlText("MessageCount", totalMessageCount(view.counts)),
    xmlText("IsAnonymousAccessible", false),
    xmlElement("AuthorizationRules", {}),
    xmlText("Status", "Active"),
    forwardTarget("ForwardTo", p.forwardTo, view),
    xmlText("UserMetadata", d.userMetadata),
    ...timestamps(view),
    xmlText("SupportOrdering", true),
    countDetails(view.counts),
    xmlText("AutoDeleteOnIdle", d.autoDeleteOnIdle),
    xmlText("EnablePartitioning", p.enablePartitioning),
    xmlText("EntityAvailabilityStatus", "Available"),
    forwardTarget("ForwardDeadLetteredMessagesTo", p.forwardDeadLetteredMessagesTo, view),
    xmlText("EnableExpress", false),
  );
}

/** Writes the `TopicDescription` element of `topic`. */
export function writeTopicDescription(topic: TopicDescription, subscriptionCount: number, view: EntityView): string {
  const p = topic.properties;
  const d = view.descriptive;
  return xmlElement(
    "TopicDescription",
    { xmlns: SERVICE_BUS_NAMESPACE, "xmlns:i": XML_SCHEMA_INSTANCE_NAMESPACE },
    xmlText("DefaultMessageTimeToLive", formatServiceDuration(p.defaultMessageTimeToLiveInMs)),
    xmlText("MaxSizeInMegabytes", d.maxSizeInMegabytes),
    xmlText("RequiresDuplicateDetection", p.requiresDuplicateDetection),
    xmlText("DuplicateDetectionHistoryTimeWindow", formatServiceDuration(p.duplicateDetectionHistoryTimeWindowInMs)),
    xmlText("EnableBatchedOperations", d.enableBatchedOperations),
    xmlText("SizeInBytes", view.counts.sizeInBytes),
    xmlText("FilteringMessagesBeforePublishing", false),
    xmlText("IsAnonymousAccessible", false),
    xmlElement("AuthorizationRules", {}),
    xmlText("Status", "Active"),
    xmlText("UserMetadata", d.userMetadata),
    ...timestamps(view),
    xmlText("SupportOrdering", d.supportOrdering),
    countDetails(view.counts),
    xmlText("SubscriptionCount", subscriptionCount),
    xmlText("AutoDeleteOnIdle", d.autoDeleteOnIdle),
    xmlText("EnablePartitioning", p.enablePartitioning),
    xmlText("EntityAvailabilityStatus", "Available"),
    xmlText("EnableSubscriptionPartitioning", false),
    xmlText("EnableExpress", false),
  );
}

/** Writes the `SubscriptionDescription` element of `subscription`. */
export function writeSubscriptionDescription(subscription: SubscriptionDescription, view: EntityView): string {
  const p = subscription.properties;
  const d = view.descriptive;
  return xmlElement(
    "SubscriptionDescription",
    { xmlns: SERVICE_BUS_NAMESPACE, "xmlns:i": XML_SCHEMA_INSTANCE_NAMESPACE },
    xmlText("LockDuration", formatServiceDuration(p.lockDurationInMs)),
    xmlText("RequiresSession", p.requiresSession),
    xmlText("DefaultMessageTimeToLive", formatServiceDuration(p.defaultMessageTimeToLiveInMs)),
    xmlText("DeadLetteringOnMessageExpiration", p.deadLetteringOnMessageExpiration),
    xmlText("DeadLetteringOnFilterEvaluationExceptions", d.deadLetteringOnFilterEvaluationExceptions),
    xmlText("MessageCount", totalMessageCount(view.counts)),
    xmlText("MaxDeliveryCount", p.maxDeliveryCount),
    xmlText("EnableBatchedOperations", d.enableBatchedOperations),
    xmlText("Status", "Active"),
    forwardTarget("ForwardTo", p.forwardTo, view),
    xmlText("UserMetadata", d.userMetadata),
    ...timestamps(view),
    countDetails(view.counts),
    xmlText("AutoDeleteOnIdle", d.autoDeleteOnIdle),
    forwardTarget("ForwardDeadLetteredMessagesTo", p.forwardDeadLetteredMessagesTo, view),
    xmlText("EntityAvailabilityStatus", "Available"),
  );
}

/** All messages of an entity, as `MessageCount` reports them. */
export function totalMessageCount(counts: EntityRuntimeCounts): number {
  return (
    counts.activeMessageCount +
    counts.deadLetterMessageCount +
    counts.scheduledMessageCount +
    counts.transferMessageCount +
    counts.transferDeadLetterMessageCount
  );
}

function readReceivable(description: unknown, base: ReceivableEntityProperties): ReceivableEntityProperties {
  return {
    lockDurationInMs: readDuration(description, "LockDuration", base.lockDurationInMs, [5_000, 5 * 60_000]),
    maxDeliveryCount: readInteger(description, "MaxDeliveryCount", base.maxDeliveryCount, [1, MAX_INT32]),
    defaultMessageTimeToLiveInMs: readTimeToLive(description, base.defaultMessageTimeToLiveInMs),
    deadLetteringOnMessageExpiration: readBoolean(description, "DeadLetteringOnMessageExpiration", base.deadLetteringOnMessageExpiration),
    requiresSession: readBoolean(description, "RequiresSession", base.requiresSession),
    forwardTo: readForwardTarget(description, "ForwardTo", base.forwardTo),
    forwardDeadLetteredMessagesTo: readForwardTarget(description, "ForwardDeadLetteredMessagesTo", base.forwardDeadLetteredMessagesTo),
  };
}

function readDuplicateDetection(description: unknown, base: DuplicateDetectionProperties): DuplicateDetectionProperties {
  return {
    requiresDuplicateDetection: readBoolean(description, "RequiresDuplicateDetection", base.requiresDuplicateDetection),
    duplicateDetectionHistoryTimeWindowInMs: readDuration(description, "DuplicateDetectionHistoryTimeWindow", base.duplicateDetectionHistoryTimeWindowInMs, [
      20_000,
      7 * 24 * 60 * 60_000,
    ]),
  };
}

function readPartitioning(description: unknown, base: PartitioningProperties): PartitioningProperties {
  return { enablePartitioning: readBoolean(description, "EnablePartitioning", base.enablePartitioning) };
}

/** Reads the descriptive properties and refuses what the emulator cannot provide. */
function readDescriptive(description: unknown, base: DescriptiveProperties, kind: "Queue" | "Topic" | "Subscription"): DescriptiveProperties {
  if (readBoolean(description, "EnableExpress", false)) {
    throw AdminError.invalid(`EnableExpress: express entities are not supported; create the ${kind.toLowerCase()} without it.`);
  }
  const status = xmlChildText(description, "Status")?.trim();
  if (status !== undefined && status !== "Active") {
    throw AdminError.invalid(`Status: only "Active" is supported by the emulator, got ${JSON.stringify(status)}.`);
  }
  if (xmlChildNames(xmlChild(description, "AuthorizationRules")).length > 0) {
    throw AdminError.invalid("AuthorizationRules: entity-level authorization rules are not supported; the emulator's keys are set when it starts.");
  }
  return {
    userMetadata: readString(description, "UserMetadata", base.userMetadata),
    maxSizeInMegabytes: readInteger(description, "MaxSizeInMegabytes", base.maxSizeInMegabytes, [1, MAX_INT32]),
    enableBatchedOperations: readBoolean(description, "EnableBatchedOperations", base.enableBatchedOperations),
    autoDeleteOnIdle:
      xmlChildText(description, "AutoDeleteOnIdle") === undefined
        ? base.autoDeleteOnIdle
        : formatServiceDuration(readDuration(description, "AutoDeleteOnIdle", 0, [5 * 60_000, Number.POSITIVE_INFINITY])),
    supportOrdering: readBoolean(description, "SupportOrdering", base.supportOrdering),
    deadLetteringOnFilterEvaluationExceptions: readBoolean(
      description,
      "DeadLetteringOnFilterEvaluationExceptions",
      base.deadLetteringOnFilterEvaluationExceptions,
    ),
  };
}

function timestamps(view: EntityView): (string | undefined)[] {
  return [
    xmlText("CreatedAt", formatTimestamp(view.createdAt)),
    xmlText("UpdatedAt", formatTimestamp(view.updatedAt)),
    xmlText("AccessedAt", formatTimestamp(view.accessedAt)),
  ];
}

/** `CountDetails` with its counts in a prefixed namespace, which the SDK's `getMessageCountDetails` requires. */
function countDetails(counts: EntityRuntimeCounts): string {
  return xmlElement(
    "CountDetails",
    { "xmlns:d2p1": COUNT_DETAILS_NAMESPACE },
    xmlText("d2p1:ActiveMessageCount", counts.activeMessageCount),
    xmlText("d2p1:DeadLetterMessageCount", counts.deadLetterMessageCount),
    xmlText("d2p1:ScheduledMessageCount", counts.scheduledMessageCount),
    xmlText("d2p1:TransferMessageCount", counts.transferMessageCount),
    xmlText("d2p1:TransferDeadLetterMessageCount", counts.transferDeadLetterMessageCount),
  );
}

function forwardTarget(name: string, target: string | undefined, view: EntityView): string | undefined {
  return target === undefined ? undefined : xmlText(name, `${view.forwardBase}${target}`);
}
