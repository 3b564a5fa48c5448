import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../../connector/schema.js";
import { CONNECTOR_RULES, summaryViolations } from "../../connector/validate/rules.js";
import type { ConnectorFiles } from "../../connector/validate/rules.js";
import { operationsOf, parametersOf } from "../../connector/validate/walk.js";
import { committedFiles } from "./connector-fixture.js";

// Mutation helpers poke at arbitrary JSON.
type Json = Record<string, any>;

function operation(files: ConnectorFiles, operationId: string): Json {
  const found = operationsOf(files.apiDefinition).find((entry) => entry.operation["operationId"] === operationId);
  if (!found) throw new Error(`${operationId} not in the definition`);
  return found.operation;
}

function parameter(files: ConnectorFiles, operationId: string, name: string): Json {
  const found = parametersOf(operation(files, operationId)).find((candidate) => candidate["name"] === name);
  if (!found) throw new Error(`${operationId} has no parameter ${name}`);
  return found;
}

function bodySchema(files: ConnectorFiles, operationId: string): Json {
  return parameter(files, operationId, "body")["schema"] as Json;
}

const props = (files: ConnectorFiles): Json => files.apiProperties["properties"] as Json;
const info = (files: ConnectorFiles): Json => files.apiDefinition["info"] as Json;

/** For each rule, a change that breaks it: each must be caught by exactly that rule's check. */
const BREAKERS: Record<string, (files: ConnectorFiles) => void> = {
  "swagger-version": (files) => (files.apiDefinition["swagger"] = "3.0"),
  "definition-size": (files) => (info(files)["x-padding"] = "x".repeat(1024 * 1024)),
  "operation-count": (files) => {
    const paths = files.apiDefinition["paths"] as Json;
    for (let index = 0; index < 257; index += 1) paths[`/extra/${index}`] = { get: { ...operation(files, "ListQueues"), operationId: `ListExtra${index}` } };
  },
  "info-title": (files) => (info(files)["title"] = "Service Bus Bridge API Connector"),
  "info-description": (files) => (info(files)["description"] = "Too short."),
  "connector-metadata": (files) => (files.apiDefinition["x-ms-connector-metadata"] = [{ propertyName: "Website", propertyValue: "https://example.com" }]),
  "host-base-path-schemes": (files) => (files.apiDefinition["host"] = "https://example.com/api"),
  "mime-types": (files) => (files.apiDefinition["consumes"] = ["application/xml"]),
  "no-openapi3-constructs": (files) => (bodySchema(files, "SendMessage")["properties"]["messageId"]["nullable"] = true),
  "no-ref-siblings": (files) => (operation(files, "PeekMessagesInQueue")["responses"]["200"]["schema"]["description"] = "Messages."),
  "operation-id": (files) => (operation(files, "ListTopics")["operationId"] = "ListQueues"),
  "operation-summary": (files) => (operation(files, "SendMessage")["summary"] = "Send A Message."),
  "operation-description": (files) => (operation(files, "SendMessage")["description"] = "sends a message"),
  "operation-visibility": (files) => delete operation(files, "SendMessage")["x-ms-visibility"],
  "parameter-summary": (files) => delete parameter(files, "SendMessage", "entity")["x-ms-summary"],
  "parameter-visibility": (files) => (parameter(files, "SendMessage", "entity")["x-ms-visibility"] = "hidden"),
  "path-parameters": (files) => delete parameter(files, "SendMessage", "entity")["x-ms-url-encoding"],
  "body-parameters": (files) =>
    (operation(files, "ListQueues")["parameters"] = [
      { name: "body", in: "body", required: true, description: "A body.", "x-ms-summary": "Body", schema: { type: "object" } },
    ]),
  responses: (files) => (operation(files, "SendMessage")["responses"]["default"]["schema"] = { type: "object" }),
  "property-summary": (files) => delete bodySchema(files, "SendMessage")["properties"]["contentType"]["x-ms-summary"],
  "internal-default-required": (files) =>
    Object.assign(parameter(files, "PeekMessagesInQueue", "subQueue"), { "x-ms-visibility": "internal", required: false }),
  "dynamic-values": (files) => (parameter(files, "SendMessage", "entity")["x-ms-dynamic-values"]["operationId"] = "ListEverything"),
  triggers: (files) => (operation(files, "ListQueues")["x-ms-trigger"] = "batch"),
  // The committed files have no webhook trigger: the breakers add a stray piece of one, or turn an action into one.
  "webhook-triggers": (files) => ((files.apiDefinition["paths"] as Json)["/queues"]["x-ms-notification-content"] = { schema: { type: "object" } }),
  "notification-url": (files) => (bodySchema(files, "SendMessage")["properties"]["messageId"]["x-ms-notification-url"] = true),
  "webhook-delete": (files) => (operation(files, "SendMessage")["x-ms-trigger"] = "single"),
  "platform-headers": (files) =>
    (operation(files, "SendEvent")["parameters"] as Json[]).push({
      name: "x-ms-workflow-run-id",
      in: "header",
      required: false,
      type: "string",
      description: "The flow run.",
      "x-ms-summary": "Flow run ID",
    }),
  "dynamic-schema": (files) => (bodySchema(files, "SendEvent")["x-ms-dynamic-properties"]["itemValuePath"] = "schema/properties/data"),
  "api-properties": (files) => (props(files)["policyTemplateInstances"] = []),
};

describe("connector certification rules", () => {
  for (const rule of CONNECTOR_RULES) {
    describe(rule.id, () => {
      it("passes on the committed files", () => {
        expect(rule.check(committedFiles())).toEqual([]);
      });

      it("catches a definition that breaks it", () => {
        const breaker = BREAKERS[rule.id];
        expect(breaker, `no breaking change written for rule ${rule.id}`).toBeDefined();
        const files = committedFiles();
        breaker?.(files);
        expect(rule.check(files)).not.toEqual([]);
      });
    });
  }

  it("has a breaking change for every rule and no stale ones", () => {
    expect(Object.keys(BREAKERS).sort()).toEqual(CONNECTOR_RULES.map((rule) => rule.id).sort());
  });
});

describe("summaryViolations", () => {
  it("accepts sentence case with parentheses", () => {
    expect(summaryViolations("x", "Renew a message lock in a queue (advanced)")).toEqual([]);
  });

  it.each([
    ["Send a message.", /non-alphanumeric|characters other/],
    ["Send A Message", /sentence case/],
    ["send a message", /capital/],
    ["Send a message/batch", /characters other/],
    ["A".repeat(81), /at most 80/],
  ])("rejects %j", (summary, pattern) => {
    expect(summaryViolations("x", summary).join("\n")).toMatch(pattern);
  });
});

describe("triggers rule", () => {
  it("catches a polling trigger without its 202 response or with an object payload", () => {
    const rule = CONNECTOR_RULES.find((candidate) => candidate.id === "triggers");
    const files = committedFiles();
    delete operation(files, "WhenMessagesArriveInQueue")["responses"]["202"];
    operation(files, "WhenMessagesArriveInSubscription")["responses"]["200"]["schema"] = { type: "object", properties: {} };
    const violations = rule?.check(files).join("\n") ?? "";
    expect(violations).toMatch(/WhenMessagesArriveInQueue: polling trigger has no 202/);
    expect(violations).toMatch(/WhenMessagesArriveInSubscription: batch trigger's 200 schema is not an array/);
  });
});

describe("dynamic-schema rule", () => {
  it("catches a dynamic schema that reads a parameter the operation lacks, and one without its x-ms-dynamic-properties", () => {
    const rule = CONNECTOR_RULES.find((candidate) => candidate.id === "dynamic-schema");
    const files = committedFiles();
    bodySchema(files, "SendEvent")["x-ms-dynamic-schema"]["parameters"] = { eventType: { parameter: "eventName" } };
    const trigger = operation(files, "WhenMessagesArriveInQueue")["responses"]["200"]["schema"]["items"]["properties"]["event"]["properties"]["data"] as Json;
    delete trigger["x-ms-dynamic-properties"];
    const violations = rule?.check(files).join("\n") ?? "";
    expect(violations).toMatch(/SendEvent body: takes eventType from parameter eventName/);
    expect(violations).toMatch(/WhenMessagesArriveInQueue response 200.*without x-ms-dynamic-properties/);
  });
});

describe("dynamic-values rule", () => {
  it("catches a cascading dropdown that reads a parameter the operation lacks", () => {
    const files = committedFiles();
    const dynamic = parameter(files, "CompleteMessageInSubscription", "subscription")["x-ms-dynamic-values"] as JsonSchema;
    dynamic["parameters"] = { topic: { parameter: "topicName" } };
    const rule = CONNECTOR_RULES.find((candidate) => candidate.id === "dynamic-values");
    expect(rule?.check(files).join("\n")).toMatch(/topicName/);
  });
});
