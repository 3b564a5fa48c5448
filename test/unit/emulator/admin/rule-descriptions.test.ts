import { describe, expect, it } from "vitest";
import { AdminError } from "../../../../emulator/src/admin/admin-errors.js";
import { readEntryContent } from "../../../../emulator/src/admin/atom-xml.js";
import { readRuleDescription, writeRuleDescription } from "../../../../emulator/src/admin/rule-descriptions.js";
import { parseXmlDocument, xmlChild } from "../../../../emulator/src/admin/xml-reader.js";
import type { RuleConfig } from "../../../../emulator/src/config/emulator-config.js";
import { sdkEntryBody, sdkKeyValuePairs, sdkParse, sdkTyped } from "./sdk-bodies.js";

const CREATED = new Date("2030-05-06T07:08:09.000Z");

/** The RuleDescription of a createRule body as the SDK builds it. */
async function sdkRule(fields: Record<string, unknown>): Promise<unknown> {
  return readEntryContent(await parseXmlDocument(sdkEntryBody("RuleDescription", fields))).description;
}

async function roundTrip(rule: RuleConfig): Promise<RuleConfig> {
  const written = writeRuleDescription(rule, CREATED);
  return readRuleDescription(xmlChild(await parseXmlDocument(written), "RuleDescription"), rule.name);
}

async function refusal(fields: Record<string, unknown>): Promise<AdminError> {
  const description = await sdkRule(fields);
  try {
    readRuleDescription(description, "r");
  } catch (error) {
    if (error instanceof AdminError) return error;
    throw error;
  }
  throw new Error("expected the rule to be refused");
}

describe("RuleDescription: reading what the SDK sends", () => {
  it("reads a SqlFilter with an EmptyRuleAction", async () => {
    const description = await sdkRule({
      Filter: sdkTyped("SqlFilter", { SqlExpression: "color = 'red' AND size > 3" }),
      Action: sdkTyped("EmptyRuleAction"),
      Name: "red",
    });
    expect(readRuleDescription(description, "red")).toEqual({
      name: "red",
      filter: { type: "sql", sqlExpression: "color = 'red' AND size > 3" },
      action: undefined,
    });
  });

  it("reads a CorrelationFilter with typed application properties and a SqlRuleAction", async () => {
    const description = await sdkRule({
      Filter: sdkTyped("CorrelationFilter", {
        CorrelationId: "c1",
        Label: "subject",
        To: "to",
        ReplyTo: "reply",
        ReplyToSessionId: "rs",
        ContentType: "application/json",
        SessionId: "s",
        MessageId: "m",
        Properties: sdkKeyValuePairs({ region: "eu", priority: 2, ratio: 0.5, vip: true }),
      }),
      Action: sdkTyped("SqlRuleAction", { SqlExpression: "SET routed = TRUE" }),
      Name: "corr",
    });
    expect(readRuleDescription(description, "corr")).toEqual({
      name: "corr",
      filter: {
        type: "correlation",
        correlationId: "c1",
        subject: "subject",
        to: "to",
        replyTo: "reply",
        replyToSessionId: "rs",
        contentType: "application/json",
        sessionId: "s",
        messageId: "m",
        applicationProperties: { region: "eu", priority: 2, ratio: 0.5, vip: true },
      },
      action: { sqlExpression: "SET routed = TRUE" },
    });
  });

  it("reads a single correlation property (the parser gives an object, not an array)", async () => {
    const description = await sdkRule({ Filter: sdkTyped("CorrelationFilter", { Properties: sdkKeyValuePairs({ only: "one" }) }) });
    expect(readRuleDescription(description, "r").filter).toEqual({ type: "correlation", applicationProperties: { only: "one" } });
  });

  it("reads TrueFilter and FalseFilter as 1=1 and 1=0, and a missing filter as the true filter", async () => {
    expect((await roundTrip({ name: "t", filter: { type: "sql", sqlExpression: "1=1" }, action: undefined })).filter).toEqual({
      type: "sql",
      sqlExpression: "1=1",
    });
    expect(readRuleDescription(await sdkRule({ Filter: sdkTyped("TrueFilter") }), "t").filter).toEqual({ type: "sql", sqlExpression: "1=1" });
    expect(readRuleDescription(await sdkRule({ Filter: sdkTyped("FalseFilter") }), "f").filter).toEqual({ type: "sql", sqlExpression: "1=0" });
    expect(readRuleDescription(await sdkRule({ Name: "x" }), "x")).toEqual({ name: "x", filter: { type: "sql", sqlExpression: "1=1" }, action: undefined });
  });

  it("infers the filter type when i:type is missing", async () => {
    expect(readRuleDescription(await sdkRule({ Filter: { SqlExpression: "a = 1" } }), "r").filter).toEqual({ type: "sql", sqlExpression: "a = 1" });
    expect(readRuleDescription(await sdkRule({ Filter: { CorrelationId: "c" } }), "r").filter).toEqual({
      type: "correlation",
      correlationId: "c",
      applicationProperties: {},
    });
  });

  it.each([
    ["invalid SQL", { Filter: sdkTyped("SqlFilter", { SqlExpression: "color = = 'red'" }) }, "SQL expression is invalid"],
    ["an empty SQL filter", { Filter: sdkTyped("SqlFilter", { SqlExpression: " " }) }, "must not be empty"],
    ["SQL longer than 1024", { Filter: sdkTyped("SqlFilter", { SqlExpression: `a = '${"x".repeat(1024)}'` }) }, "at most 1024"],
    ["SQL parameters", { Filter: sdkTyped("SqlFilter", { SqlExpression: "a = @p", Parameters: sdkKeyValuePairs({ "@p": 1 }) }) }, "parameters"],
    ["an invalid action", { Action: sdkTyped("SqlRuleAction", { SqlExpression: "SET" }) }, "Action"],
    ["an empty correlation filter", { Filter: sdkTyped("CorrelationFilter") }, "at least one"],
    ["a dateTime correlation property", { Filter: sdkTyped("CorrelationFilter", { Properties: sdkKeyValuePairs({ at: new Date(0) }) }) }, "dateTime"],
    ["an unknown filter type", { Filter: sdkTyped("PartitionFilter") }, "PartitionFilter"],
  ])("refuses %s with 400", async (_case, fields, message) => {
    const error = await refusal(fields);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });
});

describe("RuleDescription: writing what the SDK's buildRule reads", () => {
  it("writes a SQL filter and action with their i:type", async () => {
    const parsed = (
      await sdkParse(
        writeRuleDescription({ name: "r", filter: { type: "sql", sqlExpression: "a > 1 AND b <> 'x'" }, action: { sqlExpression: "SET c = 1" } }, CREATED),
      )
    )["RuleDescription"];
    expect(parsed.Filter).toEqual({ $: { "i:type": "SqlFilter" }, SqlExpression: "a > 1 AND b <> 'x'", CompatibilityLevel: "20" });
    expect(parsed.Action).toEqual({ $: { "i:type": "SqlRuleAction" }, SqlExpression: "SET c = 1", CompatibilityLevel: "20" });
    expect(parsed.Name).toBe("r");
    expect(parsed.CreatedAt).toBe("2030-05-06T07:08:09.000Z");
  });

  it("writes the true filter as TrueFilter and no action as EmptyRuleAction", async () => {
    const parsed = (await sdkParse(writeRuleDescription({ name: "$Default", filter: { type: "sql", sqlExpression: "1=1" }, action: undefined }, CREATED)))[
      "RuleDescription"
    ];
    expect(parsed.Filter).toEqual({ $: { "i:type": "TrueFilter" }, SqlExpression: "1=1", CompatibilityLevel: "20" });
    expect(parsed.Action).toEqual({ $: { "i:type": "EmptyRuleAction" } });
  });

  it("types correlation properties with a four-character prefix (the SDK strips five characters)", async () => {
    const parsed = (
      await sdkParse(
        writeRuleDescription(
          {
            name: "c",
            filter: { type: "correlation", subject: "s", applicationProperties: { text: "a", count: 7, ratio: 1.5, big: 2 ** 40, flag: false } },
            action: undefined,
          },
          CREATED,
        ),
      )
    )["RuleDescription"];
    expect(parsed.Filter.Label).toBe("s");
    const pairs = parsed.Filter.Properties.KeyValueOfstringanyType as { Key: string; Value: { $: Record<string, string>; _: string } }[];
    expect(pairs.map((pair) => [pair.Key, pair.Value.$["i:type"]?.substring(5), pair.Value._])).toEqual([
      ["text", "string", "a"],
      ["count", "int", "7"],
      ["ratio", "double", "1.5"],
      ["big", "double", String(2 ** 40)],
      ["flag", "boolean", "false"],
    ]);
  });

  it.each<RuleConfig>([
    { name: "sql", filter: { type: "sql", sqlExpression: "sys.Label LIKE '%<&>%'" }, action: { sqlExpression: "SET sys.To = 'x'; REMOVE y" } },
    { name: "false", filter: { type: "sql", sqlExpression: "1=0" }, action: undefined },
    {
      name: "corr",
      filter: {
        type: "correlation",
        correlationId: "c",
        messageId: "m",
        to: "t",
        replyTo: "r",
        subject: "s",
        sessionId: "sid",
        replyToSessionId: "rsid",
        contentType: "ct",
        applicationProperties: { a: "1", b: 2, c: true, d: -0.25 },
      },
      action: undefined,
    },
  ])("round-trips the rule $name", async (rule) => {
    expect(await roundTrip(rule)).toEqual(rule);
  });
});
