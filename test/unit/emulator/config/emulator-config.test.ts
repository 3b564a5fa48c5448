import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmulatorConfigError } from "../../../../emulator/src/config/config-error.js";
import { defaultEmulatorConfig, loadEmulatorConfigFile, parseEmulatorConfig, type EmulatorConfig } from "../../../../emulator/src/config/emulator-config.js";

const NS = "UserConfig.Namespaces[0]";
const Q0 = `${NS}.Queues[0]`;
const T0 = `${NS}.Topics[0]`;
const S0 = `${T0}.Subscriptions[0]`;
const R0 = `${S0}.Rules[0]`;

/** A configuration document with one namespace holding the given queues and topics. */
function config(namespace: Record<string, unknown>): unknown {
  return { UserConfig: { Namespaces: [{ Name: "sbemulatorns", ...namespace }] } };
}

/** A document with one queue `q` having the given properties. */
function queueWith(properties: Record<string, unknown>): unknown {
  return config({ Queues: [{ Name: "q", Properties: properties }] });
}

/** A document with topic `t` holding subscription `s` with the given rules. */
function rulesWith(...rules: unknown[]): unknown {
  return config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "s", Rules: rules }] }] });
}

/** A document with one rule `r` having the given properties. */
function ruleWith(properties: Record<string, unknown>): unknown {
  return rulesWith({ Name: "r", Properties: properties });
}

/** Asserts that parsing `json` fails at `field` with a message matching `problem`. */
function expectFailure(json: unknown, field: string, problem: RegExp): EmulatorConfigError {
  let caught: unknown;
  try {
    parseEmulatorConfig(json);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EmulatorConfigError);
  const error = caught as EmulatorConfigError;
  expect(error.field).toBe(field);
  expect(error.message.startsWith(`Config.json: ${field}: `)).toBe(true);
  expect(error.message).toMatch(problem);
  return error;
}

const officialSample = {
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [
          {
            Name: "queue.1",
            Properties: {
              DeadLetteringOnMessageExpiration: false,
              DefaultMessageTimeToLive: "PT1H",
              DuplicateDetectionHistoryTimeWindow: "PT20S",
              ForwardDeadLetteredMessagesTo: "",
              ForwardTo: "",
              LockDuration: "PT1M",
              MaxDeliveryCount: 3,
              RequiresDuplicateDetection: false,
              RequiresSession: false,
            },
          },
        ],
        Topics: [
          {
            Name: "topic.1",
            Properties: {
              DefaultMessageTimeToLive: "PT1H",
              DuplicateDetectionHistoryTimeWindow: "PT20S",
              RequiresDuplicateDetection: false,
            },
            Subscriptions: [
              {
                Name: "subscription.1",
                Properties: {
                  DeadLetteringOnMessageExpiration: false,
                  DefaultMessageTimeToLive: "PT1H",
                  LockDuration: "PT1M",
                  MaxDeliveryCount: 3,
                  ForwardDeadLetteredMessagesTo: "",
                  ForwardTo: "",
                  RequiresSession: false,
                },
                Rules: [
                  {
                    Name: "app-prop-filter-1",
                    Properties: {
                      FilterType: "Correlation",
                      CorrelationFilter: {
                        ContentType: "application/text",
                        CorrelationId: "id1",
                        Label: "subject1",
                        MessageId: "msgid1",
                        ReplyTo: "someQueue",
                        ReplyToSessionId: "sessionId",
                        SessionId: "session1",
                        To: "xyz",
                      },
                    },
                  },
                ],
              },
              {
                Name: "subscription.2",
                Properties: { MaxDeliveryCount: 3 },
                Rules: [
                  {
                    Name: "user-prop-filter-1",
                    Properties: {
                      FilterType: "Correlation",
                      CorrelationFilter: { Properties: { prop3: "value3" } },
                    },
                  },
                ],
              },
              {
                Name: "subscription.3",
                Rules: [
                  {
                    Name: "sql-filter-1",
                    Properties: {
                      FilterType: "Sql",
                      SqlFilter: { SqlExpression: "sys.MessageId = '123456' AND userProp1 = 'value1'" },
                      Action: { SqlExpression: "SET sys.To = 'Entity'" },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    Logging: { Type: "File" },
  },
};

const defaultReceivableProperties = {
  lockDurationInMs: 60_000,
  maxDeliveryCount: 3,
  defaultMessageTimeToLiveInMs: 3_600_000,
  deadLetteringOnMessageExpiration: false,
  requiresSession: false,
  forwardTo: undefined,
  forwardDeadLetteredMessagesTo: undefined,
};
const defaultDuplicateDetection = { requiresDuplicateDetection: false, duplicateDetectionHistoryTimeWindowInMs: 20_000 };
const defaultPartitioning = { enablePartitioning: false };

describe("parseEmulatorConfig", () => {
  describe("with the official emulator's sample configuration", () => {
    const parsed = parseEmulatorConfig(officialSample);

    it("reads the namespace and its queue", () => {
      expect(parsed.namespace).toBe("sbemulatorns");
      expect(parsed.queues).toEqual([
        { name: "queue.1", properties: { ...defaultReceivableProperties, ...defaultDuplicateDetection, ...defaultPartitioning } },
      ]);
    });

    it("reads the topic with its properties and subscriptions", () => {
      const topic = parsed.topics[0];
      expect(parsed.topics).toHaveLength(1);
      expect(topic?.name).toBe("topic.1");
      expect(topic?.properties).toEqual({ defaultMessageTimeToLiveInMs: 3_600_000, ...defaultDuplicateDetection, ...defaultPartitioning });
      expect(topic?.subscriptions.map((subscription) => subscription.name)).toEqual(["subscription.1", "subscription.2", "subscription.3"]);
      expect(topic?.subscriptions[0]?.properties).toEqual(defaultReceivableProperties);
    });

    it("maps every correlation filter field, turning Label into subject", () => {
      expect(parsed.topics[0]?.subscriptions[0]?.rules).toEqual([
        {
          name: "app-prop-filter-1",
          filter: {
            type: "correlation",
            contentType: "application/text",
            correlationId: "id1",
            subject: "subject1",
            messageId: "msgid1",
            replyTo: "someQueue",
            replyToSessionId: "sessionId",
            sessionId: "session1",
            to: "xyz",
            applicationProperties: {},
          },
          action: undefined,
        },
      ]);
    });

    it("reads correlation filter application properties", () => {
      expect(parsed.topics[0]?.subscriptions[1]?.rules[0]?.filter).toEqual({
        type: "correlation",
        applicationProperties: { prop3: "value3" },
      });
    });

    it("keeps SQL filter and action expressions as text", () => {
      expect(parsed.topics[0]?.subscriptions[2]?.rules[0]).toEqual({
        name: "sql-filter-1",
        filter: { type: "sql", sqlExpression: "sys.MessageId = '123456' AND userProp1 = 'value1'" },
        action: { sqlExpression: "SET sys.To = 'Entity'" },
      });
    });
  });

  describe("defaults", () => {
    it("treats missing Queues and Topics as empty", () => {
      expect(parseEmulatorConfig(config({}))).toEqual({ namespace: "sbemulatorns", queues: [], topics: [] });
    });

    it("gives a queue without Properties the Service Bus defaults", () => {
      const parsed = parseEmulatorConfig(config({ Queues: [{ Name: "q" }] }));
      expect(parsed.queues[0]?.properties).toEqual({ ...defaultReceivableProperties, ...defaultDuplicateDetection, ...defaultPartitioning });
    });

    it("gives a topic without Properties or Subscriptions the defaults", () => {
      const parsed = parseEmulatorConfig(config({ Topics: [{ Name: "t" }] }));
      expect(parsed.topics).toEqual([
        { name: "t", properties: { defaultMessageTimeToLiveInMs: 3_600_000, ...defaultDuplicateDetection, ...defaultPartitioning }, subscriptions: [] },
      ]);
    });

    it("leaves a subscription without Rules with no rules, for the broker to add $Default", () => {
      const parsed = parseEmulatorConfig(rulesWith());
      expect(parsed.topics[0]?.subscriptions[0]?.rules).toEqual([]);
      const withoutRules = parseEmulatorConfig(config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "s" }] }] }));
      expect(withoutRules.topics[0]?.subscriptions[0]).toEqual({ name: "s", properties: defaultReceivableProperties, rules: [] });
    });

    it("accepts a configuration without Logging", () => {
      expect(() => parseEmulatorConfig(config({}))).not.toThrow();
    });

    it.each(["File", "Console", "File,Console"])("accepts Logging Type %s", (type) => {
      expect(() => parseEmulatorConfig({ UserConfig: { ...(config({}) as { UserConfig: object }).UserConfig, Logging: { Type: type } } })).not.toThrow();
    });

    it("names the source given by the caller in errors", () => {
      expect(() => parseEmulatorConfig({}, "/etc/emulator/Config.json")).toThrow("/etc/emulator/Config.json: UserConfig: is required");
    });
  });

  describe("queue and subscription properties", () => {
    it("reads every property that is set", () => {
      const parsed = parseEmulatorConfig(
        config({
          Queues: [
            {
              Name: "q",
              Properties: {
                LockDuration: "PT30S",
                MaxDeliveryCount: 25,
                DefaultMessageTimeToLive: "P1DT2H",
                DeadLetteringOnMessageExpiration: true,
                RequiresSession: true,
                RequiresDuplicateDetection: true,
                DuplicateDetectionHistoryTimeWindow: "PT10M",
                ForwardTo: "",
                ForwardDeadLetteredMessagesTo: "",
              },
            },
          ],
        }),
      );
      expect(parsed.queues[0]?.properties).toEqual({
        lockDurationInMs: 30_000,
        maxDeliveryCount: 25,
        defaultMessageTimeToLiveInMs: 93_600_000,
        deadLetteringOnMessageExpiration: true,
        requiresSession: true,
        forwardTo: undefined,
        forwardDeadLetteredMessagesTo: undefined,
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindowInMs: 600_000,
        enablePartitioning: false,
      });
    });

    it.each(["PT5S", "PT5M", "PT2M30S"])("accepts LockDuration %s", (lockDuration) => {
      expect(() => parseEmulatorConfig(queueWith({ LockDuration: lockDuration }))).not.toThrow();
    });

    it.each(["PT4.999S", "PT5M0.001S", "PT0S", "P1D"])("rejects LockDuration %s outside PT5S..PT5M", (lockDuration) => {
      expectFailure(queueWith({ LockDuration: lockDuration }), `${Q0}.Properties.LockDuration`, /must be between PT5S and PT5M/);
    });

    it("rejects a LockDuration that is not a duration, quoting the text", () => {
      expectFailure(queueWith({ LockDuration: "1 minute" }), `${Q0}.Properties.LockDuration`, /"1 minute" is not an ISO-8601 duration/);
    });

    it("rejects a LockDuration that is a number", () => {
      expectFailure(queueWith({ LockDuration: 60 }), `${Q0}.Properties.LockDuration`, /must be an ISO-8601 duration string.*got 60/);
    });

    it("accepts a MaxDeliveryCount above the official emulator's limit of 10", () => {
      expect(parseEmulatorConfig(queueWith({ MaxDeliveryCount: 2000 })).queues[0]?.properties.maxDeliveryCount).toBe(2000);
    });

    it.each([
      [0, /must be between 1 and 2147483647, got 0/],
      [-3, /must be between 1/],
      [2_147_483_648, /must be between 1 and 2147483647/],
      [2.5, /must be an integer, got 2.5/],
      ["3", /must be an integer, got "3"/],
      [null, /must be an integer, got null/],
    ])("rejects MaxDeliveryCount %j", (count, problem) => {
      expectFailure(queueWith({ MaxDeliveryCount: count }), `${Q0}.Properties.MaxDeliveryCount`, problem);
    });

    it.each(["P10675199DT2H48M5.4775807S", "P3651D"])("turns DefaultMessageTimeToLive %s into 'never expires'", (ttl) => {
      const parsed = parseEmulatorConfig(queueWith({ DefaultMessageTimeToLive: ttl }));
      expect(parsed.queues[0]?.properties.defaultMessageTimeToLiveInMs).toBe(Number.POSITIVE_INFINITY);
    });

    it("keeps a DefaultMessageTimeToLive of exactly ten years finite", () => {
      const parsed = parseEmulatorConfig(queueWith({ DefaultMessageTimeToLive: "P3650D" }));
      expect(parsed.queues[0]?.properties.defaultMessageTimeToLiveInMs).toBe(3650 * 86_400_000);
    });

    it.each(["PT0S", "PT0.0001S"])("rejects a DefaultMessageTimeToLive of %s", (ttl) => {
      expectFailure(queueWith({ DefaultMessageTimeToLive: ttl }), `${Q0}.Properties.DefaultMessageTimeToLive`, /must be longer than zero/);
    });

    it.each(["PT19S", "P7DT0.001S"])("rejects a DuplicateDetectionHistoryTimeWindow of %s", (window) => {
      expectFailure(
        queueWith({ DuplicateDetectionHistoryTimeWindow: window }),
        `${Q0}.Properties.DuplicateDetectionHistoryTimeWindow`,
        /must be between PT20S and P7D/,
      );
    });

    it("accepts a DuplicateDetectionHistoryTimeWindow of P7D", () => {
      const parsed = parseEmulatorConfig(queueWith({ DuplicateDetectionHistoryTimeWindow: "P7D" }));
      expect(parsed.queues[0]?.properties.duplicateDetectionHistoryTimeWindowInMs).toBe(7 * 86_400_000);
    });

    it.each([
      ["RequiresSession", "true"],
      ["RequiresDuplicateDetection", 1],
      ["DeadLetteringOnMessageExpiration", null],
    ])("rejects a non-boolean %s", (key, value) => {
      expectFailure(queueWith({ [key]: value }), `${Q0}.Properties.${key}`, /must be true or false/);
    });

    it("validates subscription properties with subscription paths", () => {
      const json = config({
        Topics: [{ Name: "t", Subscriptions: [{ Name: "s", Properties: { LockDuration: "PT6M" } }] }],
      });
      expectFailure(json, `${S0}.Properties.LockDuration`, /must be between PT5S and PT5M, got "PT6M"/);
    });

    it("validates topic properties with topic paths", () => {
      expectFailure(
        config({ Topics: [{ Name: "t", Properties: { RequiresDuplicateDetection: "no" } }] }),
        `${T0}.Properties.RequiresDuplicateDetection`,
        /must be true or false, got "no"/,
      );
    });

    it("reads topic properties", () => {
      const parsed = parseEmulatorConfig(
        config({
          Topics: [
            {
              Name: "t",
              Properties: { DefaultMessageTimeToLive: "P14D", RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT1H" },
            },
          ],
        }),
      );
      expect(parsed.topics[0]?.properties).toEqual({
        defaultMessageTimeToLiveInMs: 14 * 86_400_000,
        requiresDuplicateDetection: true,
        duplicateDetectionHistoryTimeWindowInMs: 3_600_000,
        enablePartitioning: false,
      });
    });

    it("reads EnablePartitioning on queues and topics", () => {
      const parsed = parseEmulatorConfig(
        config({
          Queues: [{ Name: "q", Properties: { EnablePartitioning: true } }],
          Topics: [{ Name: "t", Properties: { EnablePartitioning: true }, Subscriptions: [{ Name: "s" }] }],
        }),
      );
      expect(parsed.queues[0]?.properties.enablePartitioning).toBe(true);
      expect(parsed.topics[0]?.properties.enablePartitioning).toBe(true);
    });

    it("refuses EnablePartitioning on a subscription, which takes its topic's", () => {
      expectFailure(
        config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "s", Properties: { EnablePartitioning: true } }] }] }),
        `${S0}.Properties.EnablePartitioning`,
        /unknown key "EnablePartitioning"/,
      );
    });

    it("rejects a non-boolean EnablePartitioning", () => {
      expectFailure(queueWith({ EnablePartitioning: "yes" }), `${Q0}.Properties.EnablePartitioning`, /must be true or false/);
    });

    it("rejects Properties that are not an object", () => {
      expectFailure(config({ Queues: [{ Name: "q", Properties: [] }] }), `${Q0}.Properties`, /must be an object, got an array/);
    });
  });

  describe("forwarding", () => {
    const namespace = (queueProperties: Record<string, unknown>, subscriptionProperties: Record<string, unknown> = {}): unknown =>
      config({
        Queues: [{ Name: "orders", Properties: queueProperties }, { Name: "Audit" }],
        Topics: [{ Name: "Events", Subscriptions: [{ Name: "s", Properties: subscriptionProperties }] }],
      });

    it("resolves targets case-insensitively to the declared spelling", () => {
      const parsed: EmulatorConfig = parseEmulatorConfig(
        namespace({ ForwardTo: "events", ForwardDeadLetteredMessagesTo: "AUDIT" }, { ForwardTo: "ORDERS", ForwardDeadLetteredMessagesTo: "audit" }),
      );
      expect(parsed.queues[0]?.properties.forwardTo).toBe("Events");
      expect(parsed.queues[0]?.properties.forwardDeadLetteredMessagesTo).toBe("Audit");
      expect(parsed.topics[0]?.subscriptions[0]?.properties.forwardTo).toBe("orders");
      expect(parsed.topics[0]?.subscriptions[0]?.properties.forwardDeadLetteredMessagesTo).toBe("Audit");
    });

    it("accepts a queue declared after the one forwarding to it", () => {
      expect(() => parseEmulatorConfig(namespace({ ForwardTo: "audit" }))).not.toThrow();
    });

    it("rejects a ForwardTo naming no queue or topic", () => {
      expectFailure(namespace({ ForwardTo: "missing" }), `${Q0}.Properties.ForwardTo`, /"missing" is not a queue or topic of this namespace/);
    });

    it("rejects a ForwardDeadLetteredMessagesTo naming a subscription", () => {
      expectFailure(namespace({ ForwardDeadLetteredMessagesTo: "s" }), `${Q0}.Properties.ForwardDeadLetteredMessagesTo`, /"s" is not a queue or topic/);
    });

    it("rejects a queue forwarding to itself, whatever the case", () => {
      expectFailure(namespace({ ForwardTo: "ORDERS" }), `${Q0}.Properties.ForwardTo`, /must not forward to the queue itself/);
      expectFailure(namespace({ ForwardDeadLetteredMessagesTo: "orders" }), `${Q0}.Properties.ForwardDeadLetteredMessagesTo`, /itself/);
    });

    it("rejects a subscription forwarding back into its own topic", () => {
      expectFailure(namespace({}, { ForwardTo: "events" }), `${S0}.Properties.ForwardTo`, /must not forward to its own topic Events/);
    });

    it("rejects a non-string ForwardTo", () => {
      expectFailure(namespace({ ForwardTo: null }), `${Q0}.Properties.ForwardTo`, /must be a string, got null/);
    });
  });

  describe("document structure", () => {
    it.each([
      [null, "null"],
      [[], "an array"],
      ["text", '"text"'],
      [42, "42"],
    ])("rejects a top level of %j", (json, described) => {
      expectFailure(json, "(root)", new RegExp(`must be an object, got ${described}`));
    });

    it("requires UserConfig", () => {
      expectFailure({}, "UserConfig", /is required/);
    });

    it("requires UserConfig to be an object", () => {
      expectFailure({ UserConfig: [] }, "UserConfig", /must be an object/);
    });

    it("requires Namespaces", () => {
      expectFailure({ UserConfig: {} }, "UserConfig.Namespaces", /is required/);
    });

    it("requires Namespaces to be an array", () => {
      expectFailure({ UserConfig: { Namespaces: { Name: "ns" } } }, "UserConfig.Namespaces", /must be an array, got an object/);
    });

    it("rejects an empty Namespaces array", () => {
      expectFailure({ UserConfig: { Namespaces: [] } }, "UserConfig.Namespaces", /exactly one namespace.*found 0/);
    });

    it("says that only one namespace is supported when there are more", () => {
      expectFailure(
        { UserConfig: { Namespaces: [{ Name: "a" }, { Name: "b" }] } },
        "UserConfig.Namespaces",
        /must contain exactly one namespace \(the emulator serves one\), found 2/,
      );
    });

    it("requires the namespace Name", () => {
      expectFailure({ UserConfig: { Namespaces: [{}] } }, `${NS}.Name`, /is required/);
    });

    it.each([
      ["", /must not be empty/],
      [7, /must be a string, got 7/],
    ])("rejects a namespace Name of %j", (name, problem) => {
      expectFailure({ UserConfig: { Namespaces: [{ Name: name }] } }, `${NS}.Name`, problem);
    });

    it("rejects Queues that are not an array", () => {
      expectFailure(config({ Queues: {} }), `${NS}.Queues`, /must be an array, got an object/);
    });

    it("rejects Topics that are null", () => {
      expectFailure(config({ Topics: null }), `${NS}.Topics`, /must be an array, got null/);
    });

    it("rejects a queue that is not an object", () => {
      expectFailure(config({ Queues: ["queue.1"] }), Q0, /must be an object, got "queue.1"/);
    });

    it("rejects Subscriptions and Rules that are not arrays", () => {
      expectFailure(config({ Topics: [{ Name: "t", Subscriptions: "s" }] }), `${T0}.Subscriptions`, /must be an array/);
      expectFailure(config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "s", Rules: {} }] }] }), `${S0}.Rules`, /must be an array/);
    });

    it("rejects Logging that is not an object", () => {
      expectFailure({ UserConfig: { Namespaces: [{ Name: "ns" }], Logging: "File" } }, "UserConfig.Logging", /must be an object/);
    });

    it("requires a Logging Type", () => {
      expectFailure({ UserConfig: { Namespaces: [{ Name: "ns" }], Logging: {} } }, "UserConfig.Logging.Type", /is required/);
    });

    it("rejects an unknown Logging Type", () => {
      expectFailure(
        { UserConfig: { Namespaces: [{ Name: "ns" }], Logging: { Type: "Syslog" } } },
        "UserConfig.Logging.Type",
        /must be one of "File", "Console", "File,Console", got "Syslog"/,
      );
    });
  });

  describe("unknown keys", () => {
    it.each([
      [{ UserConfig: {}, Extra: 1 }, "Extra", /unknown key "Extra"; known keys are UserConfig/],
      [{ Userconfig: {} }, "Userconfig", /did you mean UserConfig\?/],
      [{ UserConfig: { Namespace: [] } }, "UserConfig.Namespace", /did you mean Namespaces\?/],
      [{ UserConfig: { Namespaces: [{ Name: "ns" }], Loging: {} } }, "UserConfig.Loging", /did you mean Logging\?/],
      [{ UserConfig: { Namespaces: [{ Name: "ns" }], Logging: { Typ: "File" } } }, "UserConfig.Logging.Typ", /did you mean Type\?/],
      [config({ Queue: [] }), `${NS}.Queue`, /did you mean Queues\?/],
      [config({ Queues: [{ Name: "q", Propertis: {} }] }), `${Q0}.Propertis`, /did you mean Properties\?/],
      [queueWith({ LockDuraton: "PT1M" }), `${Q0}.Properties.LockDuraton`, /did you mean LockDuration\?/],
      [queueWith({ LokDuraton: "PT1M" }), `${Q0}.Properties.LokDuraton`, /did you mean LockDuration\?/],
      [queueWith({ LckDurtin: "PT1M" }), `${Q0}.Properties.LckDurtin`, /unknown key "LckDurtin"; known keys are /],
      [queueWith({ lockduration: "PT1M" }), `${Q0}.Properties.lockduration`, /did you mean LockDuration\?/],
      [queueWith({ MaxDeliveryCounts: 3 }), `${Q0}.Properties.MaxDeliveryCounts`, /did you mean MaxDeliveryCount\?/],
      [queueWith({ AutoDeleteOnIdle: "PT1H" }), `${Q0}.Properties.AutoDeleteOnIdle`, /unknown key "AutoDeleteOnIdle"; known keys are DeadLettering/],
      [queueWith({ "max delivery": 3 }), `${Q0}.Properties["max delivery"]`, /unknown key "max delivery"/],
      [config({ Topics: [{ Name: "t", Properties: { LockDuration: "PT1M" } }] }), `${T0}.Properties.LockDuration`, /unknown key "LockDuration"/],
      [config({ Topics: [{ Name: "t", Subscription: [] }] }), `${T0}.Subscription`, /did you mean Subscriptions\?/],
      [
        config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "s", Properties: { RequiresDuplicateDetection: true } }] }] }),
        `${S0}.Properties.RequiresDuplicateDetection`,
        /unknown key "RequiresDuplicateDetection"/,
      ],
      [config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "s", Rule: [] }] }] }), `${S0}.Rule`, /did you mean Rules\?/],
      [rulesWith({ Name: "r", Filter: {} }), `${R0}.Filter`, /unknown key "Filter"; known keys are Name, Properties/],
      [ruleWith({ FiltrType: "Sql" }), `${R0}.Properties.FiltrType`, /did you mean FilterType\?/],
      [
        ruleWith({ FilterType: "Correlation", CorrelationFilter: { Subject: "x" } }),
        `${R0}.Properties.CorrelationFilter.Subject`,
        /unknown key "Subject"; known keys are ContentType/,
      ],
      [ruleWith({ FilterType: "Sql", SqlFilter: { Expression: "1=1" } }), `${R0}.Properties.SqlFilter.Expression`, /unknown key/],
      [
        ruleWith({ FilterType: "Sql", SqlFilter: { SqlExpression: "1=1" }, Action: { SqlExpresion: "SET a = 1" } }),
        `${R0}.Properties.Action.SqlExpresion`,
        /did you mean SqlExpression\?/,
      ],
    ])("rejects unknown key %#, naming it and suggesting a close one", (json, field, problem) => {
      expectFailure(json, field, problem);
    });
  });

  describe("names", () => {
    it.each(["a", "7", "queue.1", "my-queue_2", "orders/eu/incoming", "A".repeat(260)])("accepts queue name %j", (name) => {
      expect(parseEmulatorConfig(config({ Queues: [{ Name: name }] })).queues[0]?.name).toBe(name);
    });

    it.each(["-queue", "queue-", "_q", "q_", ".q", "q.", "/q", "q/", "my queue", "q$", "ö"])("rejects queue name %j", (name) => {
      expectFailure(config({ Queues: [{ Name: name }] }), `${Q0}.Name`, /must start and end with a letter or digit/);
    });

    it("rejects queue and topic names longer than 260 characters", () => {
      expectFailure(config({ Queues: [{ Name: "q".repeat(261) }] }), `${Q0}.Name`, /at most 260 characters long, got 261/);
      expectFailure(config({ Topics: [{ Name: "t".repeat(261) }] }), `${T0}.Name`, /at most 260 characters long/);
    });

    it("requires entity names", () => {
      expectFailure(config({ Queues: [{}] }), `${Q0}.Name`, /is required/);
      expectFailure(config({ Topics: [{ Name: "  " }] }), `${T0}.Name`, /must not be empty/);
      expectFailure(config({ Topics: [{ Name: "t", Subscriptions: [{ Name: 1 }] }] }), `${S0}.Name`, /must be a string, got 1/);
      expectFailure(rulesWith({ Properties: {} }), `${R0}.Name`, /is required/);
    });

    it("rejects queue names that differ only in case", () => {
      expectFailure(
        config({ Queues: [{ Name: "orders" }, { Name: "Orders" }] }),
        `${NS}.Queues[1].Name`,
        /"Orders" is already used by the queue or topic at UserConfig\.Namespaces\[0\]\.Queues\[0\] \(names are case-insensitive\)/,
      );
    });

    it("rejects a topic sharing its name with a queue", () => {
      expectFailure(
        config({ Queues: [{ Name: "events" }], Topics: [{ Name: "EVENTS" }] }),
        `${T0}.Name`,
        /already used by the queue or topic at .*Queues\[0\]/,
      );
    });

    it("allows the same subscription name in different topics", () => {
      const json = config({
        Topics: [
          { Name: "a", Subscriptions: [{ Name: "s" }] },
          { Name: "b", Subscriptions: [{ Name: "s" }] },
        ],
      });
      expect(parseEmulatorConfig(json).topics.map((topic) => topic.subscriptions[0]?.name)).toEqual(["s", "s"]);
    });

    it("rejects duplicate subscription names within a topic", () => {
      expectFailure(
        config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "sub" }, { Name: "SUB" }] }] }),
        `${T0}.Subscriptions[1].Name`,
        /already used by the subscription of topic t at .*Subscriptions\[0\]/,
      );
    });

    it("allows a subscription to share its name with a queue", () => {
      expect(() => parseEmulatorConfig(config({ Queues: [{ Name: "x" }], Topics: [{ Name: "t", Subscriptions: [{ Name: "x" }] }] }))).not.toThrow();
    });

    it("rejects subscription names longer than 50 characters", () => {
      expectFailure(config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "s".repeat(51) }] }] }), `${S0}.Name`, /at most 50 characters long, got 51/);
    });

    it("rejects / in subscription and rule names", () => {
      expectFailure(config({ Topics: [{ Name: "t", Subscriptions: [{ Name: "a/b" }] }] }), `${S0}.Name`, /must not contain \//);
      expectFailure(rulesWith({ Name: "a/b", Properties: { FilterType: "Sql", SqlFilter: { SqlExpression: "1=1" } } }), `${R0}.Name`, /must not contain \//);
    });

    const sqlRule = (name: string): unknown => ({ Name: name, Properties: { FilterType: "Sql", SqlFilter: { SqlExpression: "1=1" } } });

    it("accepts the $Default rule name", () => {
      expect(parseEmulatorConfig(rulesWith(sqlRule("$Default"))).topics[0]?.subscriptions[0]?.rules[0]?.name).toBe("$Default");
    });

    it("rejects other rule names starting with $", () => {
      expectFailure(rulesWith(sqlRule("$Other")), `${R0}.Name`, /only the \$Default rule name may start with \$/);
    });

    it("rejects rule names longer than 50 characters or badly formed", () => {
      expectFailure(rulesWith(sqlRule("r".repeat(51))), `${R0}.Name`, /at most 50 characters/);
      expectFailure(rulesWith(sqlRule("rule!")), `${R0}.Name`, /must start and end with a letter or digit/);
    });

    it("rejects duplicate rule names within a subscription", () => {
      expectFailure(rulesWith(sqlRule("r1"), sqlRule("R1")), `${S0}.Rules[1].Name`, /already used by the rule of subscription s/);
    });
  });

  describe("rules", () => {
    it.each([
      ["correlation", "correlation"],
      ["CORRELATION", "correlation"],
      ["sql", "sql"],
      ["SQL", "sql"],
    ])("accepts FilterType %s in any case", (filterType, expected) => {
      const properties =
        expected === "sql" ? { FilterType: filterType, SqlFilter: { SqlExpression: "1=1" } } : { FilterType: filterType, CorrelationFilter: { To: "x" } };
      expect(parseEmulatorConfig(ruleWith(properties)).topics[0]?.subscriptions[0]?.rules[0]?.filter.type).toBe(expected);
    });

    it("requires rule Properties", () => {
      expectFailure(rulesWith({ Name: "r" }), `${R0}.Properties`, /is required/);
    });

    it("requires FilterType", () => {
      expectFailure(ruleWith({ SqlFilter: { SqlExpression: "1=1" } }), `${R0}.Properties.FilterType`, /is required/);
    });

    it("rejects an unknown FilterType", () => {
      expectFailure(ruleWith({ FilterType: "True" }), `${R0}.Properties.FilterType`, /must be one of "Correlation", "Sql", got "True"/);
    });

    it("requires a CorrelationFilter for FilterType Correlation", () => {
      expectFailure(ruleWith({ FilterType: "Correlation" }), `${R0}.Properties.CorrelationFilter`, /is required/);
    });

    it("requires a SqlFilter for FilterType Sql", () => {
      expectFailure(ruleWith({ FilterType: "Sql" }), `${R0}.Properties.SqlFilter`, /is required/);
    });

    it("rejects a filter of the other type", () => {
      expectFailure(
        ruleWith({ FilterType: "Sql", SqlFilter: { SqlExpression: "1=1" }, CorrelationFilter: { To: "x" } }),
        `${R0}.Properties.CorrelationFilter`,
        /is not allowed when FilterType is Sql; use SqlFilter/,
      );
      expectFailure(
        ruleWith({ FilterType: "Correlation", SqlFilter: { SqlExpression: "1=1" }, CorrelationFilter: { To: "x" } }),
        `${R0}.Properties.SqlFilter`,
        /is not allowed when FilterType is Correlation/,
      );
    });

    it("rejects a correlation filter with no field set", () => {
      expectFailure(
        ruleWith({ FilterType: "Correlation", CorrelationFilter: {} }),
        `${R0}.Properties.CorrelationFilter`,
        /must set at least one of ContentType, CorrelationId, Label, MessageId, ReplyTo, ReplyToSessionId, SessionId, To, Properties/,
      );
    });

    it("treats empty correlation fields and empty Properties as not set", () => {
      expectFailure(
        ruleWith({ FilterType: "Correlation", CorrelationFilter: { Label: "", To: "", Properties: {} } }),
        `${R0}.Properties.CorrelationFilter`,
        /must set at least one/,
      );
      const parsed = parseEmulatorConfig(ruleWith({ FilterType: "Correlation", CorrelationFilter: { Label: "", To: "x" } }));
      expect(parsed.topics[0]?.subscriptions[0]?.rules[0]?.filter).toEqual({ type: "correlation", to: "x", applicationProperties: {} });
    });

    it("rejects a correlation field that is not a string", () => {
      expectFailure(
        ruleWith({ FilterType: "Correlation", CorrelationFilter: { CorrelationId: 5 } }),
        `${R0}.Properties.CorrelationFilter.CorrelationId`,
        /must be a string, got 5/,
      );
    });

    it("keeps string, number and boolean application properties", () => {
      const parsed = parseEmulatorConfig(
        ruleWith({ FilterType: "Correlation", CorrelationFilter: { Properties: { color: "red", size: 4.5, urgent: true, "x-y": "z" } } }),
      );
      expect(parsed.topics[0]?.subscriptions[0]?.rules[0]?.filter).toEqual({
        type: "correlation",
        applicationProperties: { color: "red", size: 4.5, urgent: true, "x-y": "z" },
      });
    });

    it("keeps an application property named __proto__ as a plain property", () => {
      const json: unknown = JSON.parse('{"FilterType":"Correlation","CorrelationFilter":{"Properties":{"__proto__":"p"}}}');
      const filter = parseEmulatorConfig(ruleWith(json as Record<string, unknown>)).topics[0]?.subscriptions[0]?.rules[0]?.filter;
      expect(filter?.type === "correlation" && Object.getOwnPropertyDescriptor(filter.applicationProperties, "__proto__")?.value).toBe("p");
    });

    it.each([
      [{ nested: { a: 1 } }, `${R0}.Properties.CorrelationFilter.Properties.nested`, /must be a string, number or boolean, got an object/],
      [{ list: [1] }, `${R0}.Properties.CorrelationFilter.Properties.list`, /got an array/],
      [{ nothing: null }, `${R0}.Properties.CorrelationFilter.Properties.nothing`, /got null/],
      [{ "": "v" }, `${R0}.Properties.CorrelationFilter.Properties[""]`, /property names must not be empty/],
    ])("rejects application properties %j", (properties, field, problem) => {
      expectFailure(ruleWith({ FilterType: "Correlation", CorrelationFilter: { Properties: properties } }), field, problem);
    });

    it("rejects correlation Properties that are not an object", () => {
      expectFailure(
        ruleWith({ FilterType: "Correlation", CorrelationFilter: { Properties: "a=b" } }),
        `${R0}.Properties.CorrelationFilter.Properties`,
        /must be an object, got "a=b"/,
      );
    });

    it.each([
      [{}, `${R0}.Properties.SqlFilter.SqlExpression`, /is required/],
      [{ SqlExpression: "" }, `${R0}.Properties.SqlFilter.SqlExpression`, /must not be empty/],
      [{ SqlExpression: "   " }, `${R0}.Properties.SqlFilter.SqlExpression`, /must not be empty/],
      [{ SqlExpression: 1 }, `${R0}.Properties.SqlFilter.SqlExpression`, /must be a string, got 1/],
      [{ SqlExpression: "x".repeat(1025) }, `${R0}.Properties.SqlFilter.SqlExpression`, /at most 1024 characters long, got 1025/],
    ])("rejects SqlFilter %#", (sqlFilter, field, problem) => {
      expectFailure(ruleWith({ FilterType: "Sql", SqlFilter: sqlFilter }), field, problem);
    });

    it("rejects a SqlFilter that is a bare string", () => {
      expectFailure(ruleWith({ FilterType: "Sql", SqlFilter: "1=1" }), `${R0}.Properties.SqlFilter`, /must be an object, got "1=1"/);
    });

    it("accepts a SQL expression of exactly 1024 characters without parsing it", () => {
      const expression = `a = '${"x".repeat(1018)}'`;
      const parsed = parseEmulatorConfig(ruleWith({ FilterType: "Sql", SqlFilter: { SqlExpression: expression } }));
      expect(parsed.topics[0]?.subscriptions[0]?.rules[0]?.filter).toEqual({ type: "sql", sqlExpression: expression });
      const unparsable = parseEmulatorConfig(ruleWith({ FilterType: "Sql", SqlFilter: { SqlExpression: "((( not sql" } }));
      expect(unparsable.topics[0]?.subscriptions[0]?.rules[0]?.filter).toEqual({ type: "sql", sqlExpression: "((( not sql" });
    });

    it("reads an Action on a correlation rule", () => {
      const parsed = parseEmulatorConfig(
        ruleWith({ FilterType: "Correlation", CorrelationFilter: { SessionId: "s1" }, Action: { SqlExpression: "SET x = 1" } }),
      );
      expect(parsed.topics[0]?.subscriptions[0]?.rules[0]).toEqual({
        name: "r",
        filter: { type: "correlation", sessionId: "s1", applicationProperties: {} },
        action: { sqlExpression: "SET x = 1" },
      });
    });

    it.each([
      [{}, `${R0}.Properties.Action.SqlExpression`, /is required/],
      [{ SqlExpression: "" }, `${R0}.Properties.Action.SqlExpression`, /must not be empty/],
      [{ SqlExpression: "x".repeat(1025) }, `${R0}.Properties.Action.SqlExpression`, /at most 1024 characters/],
      ["SET x = 1", `${R0}.Properties.Action`, /must be an object/],
    ])("rejects Action %#", (action, field, problem) => {
      expectFailure(ruleWith({ FilterType: "Sql", SqlFilter: { SqlExpression: "1=1" }, Action: action }), field, problem);
    });
  });
});

describe("defaultEmulatorConfig", () => {
  it("has namespace sbemulatorns with queue.1 and topic.1/subscription.1 using defaults", () => {
    expect(defaultEmulatorConfig()).toEqual({
      namespace: "sbemulatorns",
      queues: [{ name: "queue.1", properties: { ...defaultReceivableProperties, ...defaultDuplicateDetection, ...defaultPartitioning } }],
      topics: [
        {
          name: "topic.1",
          properties: { defaultMessageTimeToLiveInMs: 3_600_000, ...defaultDuplicateDetection, ...defaultPartitioning },
          subscriptions: [{ name: "subscription.1", properties: defaultReceivableProperties, rules: [] }],
        },
      ],
    });
  });

  it("returns a fresh object on every call", () => {
    const first = defaultEmulatorConfig();
    first.queues.push({ name: "extra", properties: { ...defaultReceivableProperties, ...defaultDuplicateDetection, ...defaultPartitioning } });
    expect(defaultEmulatorConfig().queues).toHaveLength(1);
  });
});

describe("loadEmulatorConfigFile", () => {
  const directory = mkdtempSync(join(tmpdir(), "emulator-config-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  };

  it("reads and validates a configuration file", () => {
    const path = write("Config.json", JSON.stringify(officialSample, null, 2));
    expect(loadEmulatorConfigFile(path)).toEqual(parseEmulatorConfig(officialSample));
  });

  it("accepts a file starting with a UTF-8 byte order mark", () => {
    const path = write("bom.json", `\uFEFF${JSON.stringify(config({}))}`);
    expect(loadEmulatorConfigFile(path).namespace).toBe("sbemulatorns");
  });

  it("reports invalid JSON with the file path", () => {
    const path = write("broken.json", '{ "UserConfig": { ');
    expect(() => loadEmulatorConfigFile(path)).toThrow(EmulatorConfigError);
    expect(() => loadEmulatorConfigFile(path)).toThrow(new RegExp(`^${escape(path)}: \\(root\\): is not valid JSON: `));
  });

  it("reports an unreadable file with its path", () => {
    const path = join(directory, "missing.json");
    expect(() => loadEmulatorConfigFile(path)).toThrow(new RegExp(`^${escape(path)}: \\(root\\): cannot read the file: .*ENOENT`));
  });

  it("names the file in validation errors", () => {
    const path = write("invalid.json", JSON.stringify(queueWith({ LockDuration: "PT1H" })));
    expect(() => loadEmulatorConfigFile(path)).toThrow(`${path}: ${Q0}.Properties.LockDuration: must be between PT5S and PT5M, got "PT1H"`);
  });
});

describe("EmulatorConfigError", () => {
  it("carries its source, field and problem and formats its message from them", () => {
    const error = new EmulatorConfigError("Config.json", "UserConfig.Namespaces", "is required", { cause: "x" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("EmulatorConfigError");
    expect(error.message).toBe("Config.json: UserConfig.Namespaces: is required");
    expect([error.source, error.field, error.problem, error.cause]).toEqual(["Config.json", "UserConfig.Namespaces", "is required", "x"]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
