import { describe, expect, it } from "vitest";
import type { EntityRuntimeCounts } from "../../../../emulator/src/admin/admin-backend.js";
import { AdminError } from "../../../../emulator/src/admin/admin-errors.js";
import { readEntryContent } from "../../../../emulator/src/admin/atom-xml.js";
import type { DescriptionState, EntityView } from "../../../../emulator/src/admin/entity-descriptions.js";
import {
  DEFAULT_DESCRIPTIVE_PROPERTIES,
  DEFAULT_DUPLICATE_DETECTION,
  DEFAULT_PARTITIONING,
  DEFAULT_RECEIVABLE_PROPERTIES,
  readQueueDescription,
  readSubscriptionDescription,
  readTopicDescription,
  writeQueueDescription,
  writeSubscriptionDescription,
  writeTopicDescription,
} from "../../../../emulator/src/admin/entity-descriptions.js";
import { parseXmlDocument, xmlChild } from "../../../../emulator/src/admin/xml-reader.js";
import type { QueueConfig, SubscriptionConfig, TopicConfig } from "../../../../emulator/src/config/emulator-config.js";
import { sdkEntryBody, sdkParse } from "./sdk-bodies.js";

const QUEUE_DEFAULTS: DescriptionState<QueueConfig["properties"]> = {
  properties: { ...DEFAULT_RECEIVABLE_PROPERTIES, ...DEFAULT_DUPLICATE_DETECTION, ...DEFAULT_PARTITIONING },
  descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES },
};
const TOPIC_DEFAULTS: DescriptionState<TopicConfig["properties"]> = {
  properties: { defaultMessageTimeToLiveInMs: Number.POSITIVE_INFINITY, ...DEFAULT_DUPLICATE_DETECTION, ...DEFAULT_PARTITIONING },
  descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES },
};
const SUBSCRIPTION_DEFAULTS: DescriptionState<SubscriptionConfig["properties"]> = {
  properties: { ...DEFAULT_RECEIVABLE_PROPERTIES },
  descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES },
};
const COUNTS: EntityRuntimeCounts = {
  activeMessageCount: 3,
  deadLetterMessageCount: 2,
  scheduledMessageCount: 1,
  transferMessageCount: 0,
  transferDeadLetterMessageCount: 0,
  sizeInBytes: 512,
};
const CREATED = new Date("2030-01-02T03:04:05.000Z");
const UPDATED = new Date("2030-01-03T03:04:05.000Z");

function view(descriptive = DEFAULT_DESCRIPTIVE_PROPERTIES): EntityView {
  return { createdAt: CREATED, updatedAt: UPDATED, accessedAt: UPDATED, counts: COUNTS, descriptive, forwardBase: "sb://127.0.0.1:5300/" };
}

/** The description element of a PUT body built the way the SDK builds it. */
async function sdkDescription(resource: string, fields: Record<string, unknown>): Promise<unknown> {
  return readEntryContent(await parseXmlDocument(sdkEntryBody(resource, fields))).description;
}

/** A written description, parsed back into the element our readers take. */
async function reparse(xml: string, name: string): Promise<unknown> {
  return xmlChild(await parseXmlDocument(xml), name);
}

function adminErrorOf(action: () => unknown): AdminError {
  try {
    action();
  } catch (error) {
    if (error instanceof AdminError) return error;
    throw error;
  }
  throw new Error("expected an AdminError");
}

describe("QueueDescription", () => {
  it("reads every property the SDK's createQueue sends", async () => {
    const description = await sdkDescription("QueueDescription", {
      LockDuration: "PT30S",
      MaxSizeInMegabytes: "2048",
      RequiresDuplicateDetection: "true",
      RequiresSession: "true",
      DefaultMessageTimeToLive: "PT1H",
      DeadLetteringOnMessageExpiration: "true",
      DuplicateDetectionHistoryTimeWindow: "PT5M",
      MaxDeliveryCount: "7",
      EnableBatchedOperations: "false",
      Status: "Active",
      ForwardTo: "sb://127.0.0.1:5300/target",
      UserMetadata: "note",
      AutoDeleteOnIdle: "PT10M",
      EnablePartitioning: "false",
      ForwardDeadLetteredMessagesTo: "sb://127.0.0.1:5300/dead",
      EnableExpress: "false",
    });
    expect(readQueueDescription(description, QUEUE_DEFAULTS)).toEqual({
      properties: {
        lockDurationInMs: 30_000,
        maxDeliveryCount: 7,
        defaultMessageTimeToLiveInMs: 3_600_000,
        deadLetteringOnMessageExpiration: true,
        requiresSession: true,
        forwardTo: "target",
        forwardDeadLetteredMessagesTo: "dead",
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindowInMs: 300_000,
        enablePartitioning: false,
      },
      descriptive: {
        ...DEFAULT_DESCRIPTIVE_PROPERTIES,
        userMetadata: "note",
        maxSizeInMegabytes: 2048,
        enableBatchedOperations: false,
        autoDeleteOnIdle: "PT10M",
      },
    });
  });

  it("reads EnablePartitioning and writes it back", async () => {
    const state = readQueueDescription(await sdkDescription("QueueDescription", { EnablePartitioning: "true" }), QUEUE_DEFAULTS);
    expect(state.properties.enablePartitioning).toBe(true);
    const parsed = (await sdkParse(writeQueueDescription({ name: "q", properties: state.properties }, view())))["QueueDescription"];
    expect(parsed).toMatchObject({ EnablePartitioning: "true" });
  });

  it("keeps the base values of absent elements (Service Bus defaults for an empty createQueue)", async () => {
    const state = readQueueDescription(await sdkDescription("QueueDescription", {}), QUEUE_DEFAULTS);
    expect(state).toEqual(QUEUE_DEFAULTS);
    expect(state.properties.defaultMessageTimeToLiveInMs).toBe(Number.POSITIVE_INFINITY);
  });

  it("reads TimeSpan.MaxValue as a time to live that never expires, and an empty ForwardTo as none", async () => {
    const base = { ...QUEUE_DEFAULTS, properties: { ...QUEUE_DEFAULTS.properties, defaultMessageTimeToLiveInMs: 60_000, forwardTo: "old" } };
    const state = readQueueDescription(
      await sdkDescription("QueueDescription", { DefaultMessageTimeToLive: "P10675199DT2H48M5.4775807S", ForwardTo: "" }),
      base,
    );
    expect(state.properties.defaultMessageTimeToLiveInMs).toBe(Number.POSITIVE_INFINITY);
    expect(state.properties.forwardTo).toBeUndefined();
  });

  it.each([
    [{ LockDuration: "PT6M" }, "LockDuration"],
    [{ LockDuration: "PT1S" }, "LockDuration"],
    [{ LockDuration: "one minute" }, "LockDuration"],
    [{ MaxDeliveryCount: "0" }, "MaxDeliveryCount"],
    [{ MaxDeliveryCount: "2.5" }, "MaxDeliveryCount"],
    [{ RequiresSession: "yes" }, "RequiresSession"],
    [{ DuplicateDetectionHistoryTimeWindow: "PT1S" }, "DuplicateDetectionHistoryTimeWindow"],
    [{ AutoDeleteOnIdle: "PT1M" }, "AutoDeleteOnIdle"],
    [{ EnablePartitioning: "maybe" }, "EnablePartitioning"],
    [{ EnableExpress: "true" }, "EnableExpress"],
    [{ Status: "Disabled" }, "Status"],
    [{ AuthorizationRules: { AuthorizationRule: [{ KeyName: "k" }] } }, "AuthorizationRules"],
  ])("refuses %j with a 400 naming %s", async (fields, element) => {
    const description = await sdkDescription("QueueDescription", fields);
    const error = adminErrorOf(() => readQueueDescription(description, QUEUE_DEFAULTS));
    expect(error.status).toBe(400);
    expect(error.message).toContain(element);
  });

  it("writes what the SDK's buildQueue and buildQueueRuntimeProperties read", async () => {
    const queue: QueueConfig = {
      name: "orders",
      properties: { ...QUEUE_DEFAULTS.properties, lockDurationInMs: 45_500, forwardTo: "archive", forwardDeadLetteredMessagesTo: undefined },
    };
    const parsed = (await sdkParse(writeQueueDescription(queue, view({ ...DEFAULT_DESCRIPTIVE_PROPERTIES, userMetadata: "m & <x>" }))))["QueueDescription"];
    expect(parsed).toMatchObject({
      LockDuration: "PT45.5S",
      MaxSizeInMegabytes: "1024",
      RequiresDuplicateDetection: "false",
      RequiresSession: "false",
      DefaultMessageTimeToLive: "P10675199DT2H48M5.4775807S",
      DeadLetteringOnMessageExpiration: "false",
      DuplicateDetectionHistoryTimeWindow: "PT10M",
      MaxDeliveryCount: "10",
      EnableBatchedOperations: "true",
      SizeInBytes: "512",
      MessageCount: "6",
      Status: "Active",
      ForwardTo: "sb://127.0.0.1:5300/archive",
      UserMetadata: "m & <x>",
      CreatedAt: "2030-01-02T03:04:05.000Z",
      UpdatedAt: "2030-01-03T03:04:05.000Z",
      AccessedAt: "2030-01-03T03:04:05.000Z",
      AutoDeleteOnIdle: "P10675199DT2H48M5.4775807S",
      EnablePartitioning: "false",
      EntityAvailabilityStatus: "Available",
      EnableExpress: "false",
    });
    expect(parsed).not.toHaveProperty("ForwardDeadLetteredMessagesTo");
    // getMessageCountDetails: exactly one xmlns:<prefix> attribute, counts under that prefix.
    expect(parsed.CountDetails).toEqual({
      $: { "xmlns:d2p1": "http://schemas.microsoft.com/netservices/2011/06/servicebus" },
      "d2p1:ActiveMessageCount": "3",
      "d2p1:DeadLetterMessageCount": "2",
      "d2p1:ScheduledMessageCount": "1",
      "d2p1:TransferMessageCount": "0",
      "d2p1:TransferDeadLetterMessageCount": "0",
    });
  });

  it("round-trips: what is written reads back to the same configuration", async () => {
    const state: DescriptionState<QueueConfig["properties"]> = {
      properties: {
        lockDurationInMs: 5_000,
        maxDeliveryCount: 2_147_483_647,
        defaultMessageTimeToLiveInMs: 90_061_001,
        deadLetteringOnMessageExpiration: true,
        requiresSession: true,
        forwardTo: "a/b",
        forwardDeadLetteredMessagesTo: "dlq",
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindowInMs: 7 * 24 * 3_600_000,
        enablePartitioning: true,
      },
      descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES, userMetadata: "x", maxSizeInMegabytes: 5120, autoDeleteOnIdle: "P1D" },
    };
    const written = writeQueueDescription({ name: "q", properties: state.properties }, view(state.descriptive));
    expect(readQueueDescription(await reparse(written, "QueueDescription"), QUEUE_DEFAULTS)).toEqual(state);
  });
});

describe("TopicDescription", () => {
  it("reads the SDK's createTopic fields and round-trips", async () => {
    const description = await sdkDescription("TopicDescription", {
      DefaultMessageTimeToLive: "P2D",
      MaxSizeInMegabytes: "3072",
      RequiresDuplicateDetection: "true",
      DuplicateDetectionHistoryTimeWindow: "PT1M",
      EnableBatchedOperations: "false",
      SupportOrdering: "false",
      UserMetadata: "t",
      EnablePartitioning: "true",
    });
    const state = readTopicDescription(description, TOPIC_DEFAULTS);
    expect(state).toEqual({
      properties: {
        defaultMessageTimeToLiveInMs: 2 * 86_400_000,
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindowInMs: 60_000,
        enablePartitioning: true,
      },
      descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES, maxSizeInMegabytes: 3072, enableBatchedOperations: false, supportOrdering: false, userMetadata: "t" },
    });
    const written = writeTopicDescription({ name: "events", properties: state.properties }, 4, view(state.descriptive));
    expect(readTopicDescription(await reparse(written, "TopicDescription"), TOPIC_DEFAULTS)).toEqual(state);
  });

  it("writes what buildTopic and buildTopicRuntimeProperties read", async () => {
    const parsed = (await sdkParse(writeTopicDescription({ name: "events", properties: TOPIC_DEFAULTS.properties }, 4, view())))["TopicDescription"];
    expect(parsed).toMatchObject({
      DefaultMessageTimeToLive: "P10675199DT2H48M5.4775807S",
      MaxSizeInMegabytes: "1024",
      RequiresDuplicateDetection: "false",
      DuplicateDetectionHistoryTimeWindow: "PT10M",
      EnableBatchedOperations: "true",
      SizeInBytes: "512",
      SupportOrdering: "true",
      SubscriptionCount: "4",
      EnablePartitioning: "false",
      EnableExpress: "false",
      Status: "Active",
      AutoDeleteOnIdle: "P10675199DT2H48M5.4775807S",
    });
    expect(parsed.CountDetails["d2p1:ScheduledMessageCount"]).toBe("1");
  });
});

describe("SubscriptionDescription", () => {
  it("reads the SDK's createSubscription fields and round-trips", async () => {
    const description = await sdkDescription("SubscriptionDescription", {
      LockDuration: "PT2M",
      RequiresSession: "true",
      DefaultMessageTimeToLive: "PT10M",
      DeadLetteringOnMessageExpiration: "true",
      DeadLetteringOnFilterEvaluationExceptions: "false",
      MaxDeliveryCount: "4",
      EnableBatchedOperations: "true",
      Status: "Active",
      ForwardTo: "sb://127.0.0.1:5300/q",
      UserMetadata: "s",
      AutoDeleteOnIdle: "PT5M",
    });
    const state = readSubscriptionDescription(description, SUBSCRIPTION_DEFAULTS);
    expect(state).toEqual({
      properties: {
        lockDurationInMs: 120_000,
        requiresSession: true,
        defaultMessageTimeToLiveInMs: 600_000,
        deadLetteringOnMessageExpiration: true,
        maxDeliveryCount: 4,
        forwardTo: "q",
        forwardDeadLetteredMessagesTo: undefined,
      },
      descriptive: { ...DEFAULT_DESCRIPTIVE_PROPERTIES, deadLetteringOnFilterEvaluationExceptions: false, userMetadata: "s", autoDeleteOnIdle: "PT5M" },
    });
    const written = writeSubscriptionDescription({ name: "audit", properties: state.properties }, view(state.descriptive));
    expect(readSubscriptionDescription(await reparse(written, "SubscriptionDescription"), SUBSCRIPTION_DEFAULTS)).toEqual(state);
  });

  it("writes what buildSubscription and buildSubscriptionRuntimeProperties read", async () => {
    const parsed = (await sdkParse(writeSubscriptionDescription({ name: "audit", properties: SUBSCRIPTION_DEFAULTS.properties }, view())))[
      "SubscriptionDescription"
    ];
    expect(parsed).toMatchObject({
      LockDuration: "PT1M",
      RequiresSession: "false",
      MaxDeliveryCount: "10",
      MessageCount: "6",
      Status: "Active",
      EntityAvailabilityStatus: "Available",
      AutoDeleteOnIdle: "P10675199DT2H48M5.4775807S",
      DeadLetteringOnFilterEvaluationExceptions: "true",
      CreatedAt: "2030-01-02T03:04:05.000Z",
    });
  });
});
