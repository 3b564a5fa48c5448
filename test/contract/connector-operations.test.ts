import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../api/src/contract/registry.js";
import { sendMessage } from "../../api/src/contract/operations/send.js";
import { SequenceNumber } from "../../api/src/contract/schemas/common.js";
import { buildSwagger2 } from "../../connector/swagger2.js";
import { buildApiProperties } from "../../connector/api-properties.js";
import { committedFiles } from "./connector-fixture.js";

const ENTITY_PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$";
const SUBSCRIPTION_PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$";
const SERVICE_BUS_CODES = "ValidationFailed, Unauthorized, Forbidden, InternalError, ServiceBusy, QuotaExceeded, ServiceCommunicationProblem, ServiceTimeout";
const RETRY_AFTER = { "Retry-After": { description: "Seconds to wait before retrying.", type: "integer" } };
/** The error responses of an operation that talks to Service Bus about one entity: one per status, described, without a schema. */
const ENTITY_ERROR_RESPONSES = {
  "400": { description: "ValidationFailed: The request is not valid." },
  "401": { description: "Unauthorized: An API key is required." },
  "403": { description: "Forbidden: The API key is not allowed to do this." },
  "404": { description: "MessagingEntityNotFound: The entity does not exist." },
  "429": { description: "ServiceBusy: Service Bus is busy. QuotaExceeded: A Service Bus quota was exceeded.", headers: RETRY_AFTER },
  "500": { description: "InternalError: Internal error." },
  "503": { description: "ServiceCommunicationProblem: Service Bus is unreachable.", headers: RETRY_AFTER },
  "504": { description: "ServiceTimeout: Service Bus did not answer in time.", headers: RETRY_AFTER },
};

const entityParameter = {
  name: "entity",
  in: "path",
  required: true,
  description: "The name of the queue or topic.",
  "x-ms-summary": "Queue or topic",
  "x-ms-visibility": "important",
  type: "string",
  minLength: 1,
  maxLength: 260,
  pattern: ENTITY_PATTERN,
  "x-ms-url-encoding": "single",
  "x-ms-dynamic-values": { operationId: "ListSendEntities", "value-collection": "value", "value-path": "name", "value-title": "name" },
};

const document = buildSwagger2(OPERATIONS, { version: "0.1.0" });
const paths = document.paths;

describe("generated operations (full equality)", () => {
  it("CancelScheduledMessages: entity dropdown, body parameter, error responses and default response without schema", () => {
    expect(paths["/entities/{entity}/scheduled-messages/cancel"]?.["post"]).toEqual({
      operationId: "CancelScheduledMessages",
      summary: "Cancel scheduled messages",
      description: "Cancels scheduled messages by their sequence numbers. Sequence numbers that are not scheduled are ignored.",
      tags: ["Send"],
      parameters: [
        entityParameter,
        {
          name: "body",
          in: "body",
          required: true,
          description: "The request body.",
          "x-ms-summary": "Scheduled messages to cancel",
          schema: {
            additionalProperties: false,
            type: "object",
            required: ["sequenceNumbers"],
            properties: {
              sequenceNumbers: {
                minItems: 1,
                maxItems: 100,
                description: "Sequence numbers of the messages, as strings.",
                "x-ms-summary": "Sequence numbers",
                type: "array",
                items: {
                  // 0 to 2^63 - 1 (test/unit/api/contract/sequence-number.test.ts checks the pattern itself).
                  pattern: SequenceNumber.pattern,
                  description: "A sequence number assigned by Service Bus (a 64-bit integer, as a string).",
                  "x-ms-summary": "Sequence number",
                  type: "string",
                },
              },
            },
          },
        },
      ],
      responses: {
        "204": { description: "The messages were cancelled." },
        ...ENTITY_ERROR_RESPONSES,
        default: {
          description: `The request failed. The body is an RFC 9457 problem (application/problem+json) whose code is one of: ${SERVICE_BUS_CODES}, MessagingEntityNotFound.`,
        },
      },
      "x-ms-visibility": "advanced",
    });
  });

  it("CompleteMessageInSubscription: topic and cascading subscription dropdowns, lock token, advanced sub-queue with display names", () => {
    expect(paths["/topics/{topic}/subscriptions/{subscription}/locks/{lockToken}/complete"]?.["post"]?.["parameters"]).toEqual([
      {
        name: "topic",
        in: "path",
        required: true,
        description: "The name of the topic.",
        "x-ms-summary": "Topic",
        "x-ms-visibility": "important",
        type: "string",
        minLength: 1,
        maxLength: 260,
        pattern: ENTITY_PATTERN,
        "x-ms-url-encoding": "single",
        "x-ms-dynamic-values": { operationId: "ListTopics", "value-collection": "value", "value-path": "name", "value-title": "name" },
      },
      {
        name: "subscription",
        in: "path",
        required: true,
        description: "The name of the topic subscription.",
        "x-ms-summary": "Subscription",
        "x-ms-visibility": "important",
        type: "string",
        minLength: 1,
        maxLength: 50,
        pattern: SUBSCRIPTION_PATTERN,
        "x-ms-url-encoding": "single",
        "x-ms-dynamic-values": {
          operationId: "ListSubscriptions",
          parameters: { topic: { parameter: "topic" } },
          "value-collection": "value",
          "value-path": "name",
          "value-title": "name",
        },
      },
      {
        name: "lockToken",
        in: "path",
        required: true,
        description: "The lock token of the message, as returned when it was received.",
        "x-ms-summary": "Lock token",
        "x-ms-visibility": "important",
        type: "string",
        format: "uuid",
        "x-ms-url-encoding": "single",
      },
      {
        name: "subQueue",
        in: "query",
        required: false,
        description: "Which part of the entity to use: main (the default) or deadLetter (its dead-letter sub-queue).",
        "x-ms-summary": "Sub-queue",
        "x-ms-visibility": "advanced",
        type: "string",
        enum: ["main", "deadLetter"],
        default: "main",
        "x-ms-enum-values": [
          { value: "main", displayName: "Main" },
          { value: "deadLetter", displayName: "Dead-letter sub-queue" },
        ],
      },
      {
        name: "sessionId",
        in: "query",
        required: false,
        description: expect.stringContaining("the call reaches the instance of this API that holds it"),
        "x-ms-summary": "Session ID",
        "x-ms-visibility": "advanced",
        type: "string",
        maxLength: 128,
      },
    ]);
  });

  it("CompleteMessagesInQueue: queue dropdown, advanced sub-queue, a list of 1 to 100 unique lock tokens, per-token outcomes", () => {
    const lockToken = { format: "uuid", "x-ms-summary": "Lock token", type: "string" };
    const parameters = (paths["/queues/{queue}/locks/complete"]?.["post"]?.["parameters"] ?? []) as Array<Record<string, unknown>>;
    expect(paths["/queues/{queue}/locks/complete"]?.["post"]).toEqual({
      operationId: "CompleteMessagesInQueue",
      summary: "Complete messages in a queue",
      description: expect.stringMatching(/^Completes several locked messages in one call.*When every token fails with the same 429 or 5xx problem/),
      tags: ["Queues"],
      parameters: [
        {
          ...parameters[0],
          name: "queue",
          "x-ms-dynamic-values": { operationId: "ListQueues", "value-collection": "value", "value-path": "name", "value-title": "name" },
        },
        expect.objectContaining({ name: "subQueue", in: "query", "x-ms-visibility": "advanced" }),
        expect.objectContaining({ name: "sessionId", in: "query", required: false, "x-ms-visibility": "advanced" }),
        {
          name: "body",
          in: "body",
          required: true,
          description: "The request body.",
          "x-ms-summary": "Messages to complete",
          schema: {
            additionalProperties: false,
            type: "object",
            required: ["lockTokens"],
            properties: {
              lockTokens: {
                minItems: 1,
                maxItems: 100,
                uniqueItems: true,
                description:
                  "The lock tokens of the messages to complete, as returned by a receive (1 to 100, each once), for example a Select of the lockToken of its messages.",
                "x-ms-summary": "Lock tokens",
                "x-ms-visibility": "important",
                type: "array",
                items: { ...lockToken, description: "The lock token of the message, as returned when it was received." },
              },
            },
          },
        },
      ],
      responses: {
        "200": {
          description: "Every token was tried; see failed for those that could not be completed.",
          schema: {
            additionalProperties: false,
            type: "object",
            required: ["completedLockTokens", "failed"],
            properties: {
              completedLockTokens: {
                description: "The lock tokens whose messages were completed, in request order.",
                "x-ms-summary": "Completed lock tokens",
                type: "array",
                items: { ...lockToken, description: "A lock token from the request." },
              },
              failed: {
                description: "The lock tokens that could not be completed, in request order, each with its problem (empty when all were completed).",
                "x-ms-summary": "Failed",
                type: "array",
                items: {
                  additionalProperties: false,
                  type: "object",
                  required: ["lockToken", "code", "status", "detail"],
                  properties: {
                    lockToken: { ...lockToken, description: "The lock token that could not be completed." },
                    code: {
                      description: "The problem code the complete a message operation returns for this token, such as MessageLockLost.",
                      "x-ms-summary": "Problem code",
                      type: "string",
                    },
                    status: { description: "The HTTP status of that problem, such as 410.", "x-ms-summary": "Problem status", type: "integer" },
                    detail: { description: "What went wrong and what to do about it.", "x-ms-summary": "Problem detail", type: "string" },
                  },
                },
              },
            },
          },
        },
        ...ENTITY_ERROR_RESPONSES,
        default: {
          description: `The request failed. The body is an RFC 9457 problem (application/problem+json) whose code is one of: ${SERVICE_BUS_CODES}, MessagingEntityNotFound.`,
        },
      },
      "x-ms-visibility": "important",
    });
    expect(paths["/topics/{topic}/subscriptions/{subscription}/locks/complete"]?.["post"]).toMatchObject({
      operationId: "CompleteMessagesInSubscription",
      summary: "Complete messages in a subscription",
      parameters: [
        { name: "topic" },
        { name: "subscription", "x-ms-dynamic-values": { operationId: "ListSubscriptions" } },
        { name: "subQueue" },
        { name: "sessionId" },
        { name: "body" },
      ],
    });
  });

  it("PeekMessagesInQueue: the response refers to the shared MessageList definition", () => {
    expect((paths["/queues/{queue}/peek"]?.["get"]?.["responses"] as Record<string, unknown> | undefined)?.["200"]).toEqual({
      description: "The messages (an empty list when there are none).",
      schema: { $ref: "#/definitions/MessageList" },
    });
    expect((document["definitions"] as Record<string, unknown>)["MessageList"]).toEqual({
      additionalProperties: false,
      type: "object",
      required: ["messages"],
      properties: {
        messages: {
          description: "The messages, in sequence order.",
          "x-ms-summary": "Messages",
          type: "array",
          items: { $ref: "#/definitions/ReceivedMessage" },
        },
      },
    });
  });

  it("SendMessage: message fields carry the visibility hints of send.ts", () => {
    const body = (paths["/entities/{entity}/messages"]?.["post"]?.["parameters"] as Array<Record<string, any>>).find((parameter) => parameter["in"] === "body");
    const visibility = Object.fromEntries(
      Object.entries(body?.["schema"]["properties"] as Record<string, Record<string, unknown>>).map(([name, schema]) => [name, schema["x-ms-visibility"]]),
    );
    expect(visibility).toEqual({
      body: "important",
      bodyEncoding: "advanced",
      contentType: "important",
      messageId: "important",
      correlationId: undefined,
      subject: undefined,
      sessionId: undefined,
      replyTo: "advanced",
      replyToSessionId: "advanced",
      to: "advanced",
      timeToLiveSeconds: "advanced",
      applicationProperties: undefined,
      scheduledEnqueueTimeUtc: "advanced",
    });
  });

  it("converts unions of application property values to an untyped schema (no anyOf)", () => {
    const body = (paths["/entities/{entity}/messages"]?.["post"]?.["parameters"] as Array<Record<string, any>>).find((parameter) => parameter["in"] === "body");
    expect(body?.["schema"]["properties"]["applicationProperties"]["additionalProperties"]).toEqual({});
  });

  it("matches the committed apiDefinition.swagger.json apart from the version", () => {
    const committed = committedFiles().apiDefinition;
    const fresh = buildSwagger2(OPERATIONS, { version: String((committed["info"] as Record<string, unknown>)["version"]) });
    expect(fresh).toEqual(committed);
  });

  it("apiProperties: API key and Entra ID connection types, base URL through dynamichosturl, actions only without triggers", () => {
    const properties = buildApiProperties({ hasTriggers: false })["properties"] as Record<string, any>;
    expect(properties["capabilities"]).toEqual(["actions"]);
    expect(properties["connectionParameterSets"]["values"].map((set: { name: string }) => set.name)).toEqual(["apiKey", "entraId"]);
    expect(properties["connectionParameterSets"]["values"][0]["parameters"]["api_key"]["type"]).toBe("securestring");
    expect(properties["connectionParameterSets"]["values"][1]["parameters"]["token"]["oAuthSettings"]["identityProvider"]).toBe("aad");
    expect(properties["policyTemplateInstances"]).toEqual([
      {
        templateId: "dynamichosturl",
        title: "Route to the API base URL",
        parameters: { "x-ms-apimTemplateParameter.urlTemplate": "@connectionParameters('baseUrl')" },
      },
    ]);
    expect(buildApiProperties({ hasTriggers: true })["properties"]).toMatchObject({ capabilities: ["actions", "triggers"] });
  });
});

describe("typed events and triggers (full equality)", () => {
  const eventDataSchema = {
    "x-ms-dynamic-schema": { operationId: "GetEventTypeSchema", parameters: { eventType: { parameter: "eventType" } }, "value-path": "schema" },
    "x-ms-dynamic-properties": { operationId: "GetEventTypeSchema", parameters: { eventType: { parameterReference: "eventType" } }, itemValuePath: "schema" },
  };

  it("SendEvent: entity and event-type dropdowns, no flow-run headers, a body typed by GetEventTypeSchema", () => {
    const parameters = paths["/entities/{entity}/events/{eventType}"]?.["post"]?.["parameters"] as Array<Record<string, unknown>>;
    expect(parameters.map((parameter) => parameter["name"])).toEqual(["entity", "eventType", "schemaVersion", "correlationId", "occurredUtc", "body"]);
    expect(parameters[0]).toEqual(entityParameter);
    expect(parameters[1]).toEqual({
      name: "eventType",
      in: "path",
      required: true,
      description: "The event type, such as OrderSubmitted.",
      "x-ms-summary": "Event type",
      "x-ms-visibility": "important",
      type: "string",
      pattern: "^[A-Za-z][A-Za-z0-9]{0,63}$",
      "x-ms-url-encoding": "single",
      "x-ms-dynamic-values": {
        operationId: "ListEventTypes",
        parameters: { entity: { parameter: "entity" } },
        "value-collection": "eventTypes",
        "value-path": "eventType",
        "value-title": "title",
      },
    });
    expect(parameters[5]).toEqual({
      name: "body",
      in: "body",
      required: true,
      description: "The event's data, as the event type's contract describes it.",
      "x-ms-summary": "Event data",
      schema: {
        additionalProperties: true,
        description: "The event's data, as the event type's contract describes it.",
        "x-ms-summary": "Event data",
        type: "object",
        properties: {},
        ...eventDataSchema,
      },
    });
  });

  it("WhenMessagesArriveInQueue: a batch polling trigger with 200 array + 202, Location and Retry-After, typed event data", () => {
    const trigger = paths["/queues/{queue}/triggers/peek-lock"]?.["get"] as Record<string, any>;
    expect(trigger["x-ms-trigger"]).toBe("batch");
    expect(trigger["x-ms-trigger-metadata"]).toEqual({ kind: "query", mode: "polling" });
    expect(trigger["parameters"].map((parameter: { name: string }) => parameter.name)).toEqual(["queue", "maxMessages", "eventType"]);
    const headers = {
      Location: { description: "The URL of the next poll: this operation with the trigger state in its triggerState query parameter.", type: "string" },
      "Retry-After": { description: "Seconds to wait before the next poll (0 when more messages may be waiting).", type: "integer" },
    };
    expect(trigger["responses"]["202"]).toEqual({ description: "No message is waiting; poll the Location URL again after Retry-After seconds.", headers });
    expect(trigger["responses"]["200"]["headers"]).toEqual(headers);
    expect(trigger["responses"]["200"]["schema"]["type"]).toBe("array");
    expect(trigger["responses"]["200"]["schema"]["items"]["properties"]["event"]["properties"]["data"]).toEqual({
      additionalProperties: true,
      description: "The event's data, as its contract describes it.",
      "x-ms-summary": "Event data",
      type: "object",
      properties: {},
      ...eventDataSchema,
    });
  });
});

describe("connector hints", () => {
  it("fail the build when a dynamic schema names a location the operation lacks", () => {
    const broken = {
      ...sendMessage,
      connector: {
        ...sendMessage.connector,
        dynamicSchemas: { "response/event/data": { operationId: "GetEventTypeSchema", valuePath: "schema", parameters: {} } },
      },
    };
    expect(() => buildSwagger2([broken], { version: "1" })).toThrow(/SendMessage: dynamic schema response\/event\/data/);
  });

  it("fail the build when a hint names a parameter or property the operation lacks", () => {
    const broken = {
      ...sendMessage,
      connector: {
        ...sendMessage.connector,
        parameters: { entityName: { visibility: "advanced" as const } },
        properties: { "body/label": { visibility: "advanced" as const } },
      },
    };
    expect(() => buildSwagger2([broken], { version: "1" })).toThrow(/SendMessage: parameter entityName[\s\S]*SendMessage: body\/label/);
  });
});
