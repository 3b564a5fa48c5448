import { Type } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import type { AnyOperation } from "../../../api/src/contract/operation.js";
import { OPERATIONS } from "../../../api/src/contract/registry.js";
import { buildConnectorDocuments } from "../../../connector/generate.js";
import type { JsonSchema } from "../../../connector/schema.js";
import { buildSwagger2 } from "../../../connector/swagger2.js";
import { checkConnectorRules } from "../../../connector/validate/rules.js";
import { chooseSchemaDir, compileConnectorSchemas, loadConnectorSchemas } from "../../../connector/validate/schema-lint.js";
import { swaggerValidityErrors } from "../../../connector/validate/swagger-validity.js";
import { REPO_ROOT } from "../../contract/connector-fixture.js";
import { DELETE_PATH, SUBSCRIBE_PATH, WEBHOOK_PAIR, changed, subscribe, unsubscribe } from "./webhook-operations.js";

// Reading into generated JSON.
type Json = Record<string, any>;

const VERSION = "1.0.0";

function build(operations: readonly AnyOperation[]): Json {
  return buildSwagger2(operations, { version: VERSION }) as Json;
}

/** The build's error message for `operations`, or a note that it built. */
function buildError(operations: readonly AnyOperation[]): string {
  try {
    build(operations);
  } catch (error) {
    return (error as Error).message;
  }
  return "(built without error)";
}

describe("a webhook trigger in the connector's Swagger 2.0", () => {
  const document = build([...OPERATIONS, ...WEBHOOK_PAIR]);
  const item = document["paths"][SUBSCRIBE_PATH] as Json;
  const post = item["post"] as Json;

  it("is a single trigger without polling metadata, with its hint", () => {
    expect(post["x-ms-trigger"]).toBe("single");
    expect(post).not.toHaveProperty("x-ms-trigger-metadata");
    expect(post["x-ms-trigger-hint"]).toBe("To see it work, send a message to the queue.");
    expect(post["x-ms-visibility"]).toBe("important");
  });

  it("marks the callback URL property x-ms-notification-url and internal, in a required body", () => {
    const body = (post["parameters"] as Json[]).find((parameter) => parameter["in"] === "body") as Json;
    expect(body["required"]).toBe(true);
    expect(body["schema"]["required"]).toContain("callbackUrl");
    expect(body["schema"]["properties"]["callbackUrl"]).toMatchObject({ type: "string", "x-ms-notification-url": true, "x-ms-visibility": "internal" });
    expect(body["schema"]["properties"]["maxConcurrentCalls"]).not.toHaveProperty("x-ms-notification-url");
  });

  it("answers 201 with a Location header", () => {
    expect(post["responses"]["201"]["headers"]["Location"]).toEqual({ description: "The subscription's URL, which deletes it.", type: "string" });
  });

  it("puts the notification schema on the path item, typed by event type and hinted", () => {
    const content = item["x-ms-notification-content"] as Json;
    expect(content["description"]).toBe("The message that arrived.");
    const schema = content["schema"] as Json;
    expect(schema["properties"]["messageId"]["x-ms-summary"]).toBe("Message identifier");
    const data = schema["properties"]["event"]["properties"]["data"] as Json;
    expect(data["x-ms-dynamic-schema"]).toEqual({
      operationId: "GetEventTypeSchema",
      parameters: { eventType: { parameter: "eventType" } },
      "value-path": "schema",
    });
    expect(data["x-ms-dynamic-properties"]).toEqual({
      operationId: "GetEventTypeSchema",
      parameters: { eventType: { parameterReference: "eventType" } },
      itemValuePath: "schema",
    });
  });

  it("shares an untyped notification schema through definitions, as responses are", () => {
    const untyped = changed(subscribe, (copy) => Object.assign(copy.connector, { dynamicSchemas: {}, properties: {} }));
    const content = build([...OPERATIONS, untyped, unsubscribe])["paths"][SUBSCRIBE_PATH]["x-ms-notification-content"] as Json;
    expect(content["schema"]).toEqual({ $ref: "#/definitions/ReceivedMessage" });
  });

  it("has its delete operation, internal, at the subscription path", () => {
    const remove = document["paths"][DELETE_PATH]["delete"] as Json;
    expect(remove["operationId"]).toBe("DeleteTestQueueWebhook");
    expect(remove["x-ms-visibility"]).toBe("internal");
    expect(remove).not.toHaveProperty("x-ms-trigger");
  });

  it("passes every certification rule, with apiProperties declaring triggers", () => {
    const { apiDefinition, apiProperties } = buildConnectorDocuments(VERSION, [...OPERATIONS, ...WEBHOOK_PAIR]);
    expect(checkConnectorRules({ apiDefinition, apiProperties })).toEqual([]);
  });

  it("is valid Swagger 2.0", async () => {
    expect(await swaggerValidityErrors(document)).toEqual([]);
  });

  const schemas = chooseSchemaDir(REPO_ROOT);
  it.skipIf(schemas.dir === undefined)("passes the PowerPlatformConnectors JSON Schema lint (where x-ms-notification-content sits on the path item)", () => {
    const lint = compileConnectorSchemas(loadConnectorSchemas(schemas.dir ?? ""));
    expect(lint.apiDefinition(document)).toEqual([]);
  });

  it("leaves every operation of the registry exactly as it was", () => {
    const registryOnly = buildConnectorDocuments(VERSION).apiDefinition as Json;
    const { [SUBSCRIBE_PATH]: _subscribe, [DELETE_PATH]: _delete, ...registryPaths } = document["paths"] as Json;
    expect(registryPaths).toEqual(registryOnly["paths"]);
    expect(document["definitions"]).toEqual(registryOnly["definitions"]);
  });
});

describe("webhook triggers the platform would refuse fail the build", () => {
  const optionalBody = Type.Object({ callbackUrl: Type.Optional(Type.String({ description: "The URL.", "x-ms-summary": "Callback URL" })) });
  const numericUrl = Type.Object({ callbackUrl: Type.Integer({ description: "The URL.", "x-ms-summary": "Callback URL" }) });

  it.each<[string, AnyOperation[], RegExp]>([
    [
      "an optional callback URL property",
      [changed(subscribe, (copy) => (copy.request.body = optionalBody)), unsubscribe],
      /callback URL property body\/callbackUrl: callbackUrl is not required/,
    ],
    ["a callback URL that is not a string", [changed(subscribe, (copy) => (copy.request.body = numericUrl)), unsubscribe], /body\/callbackUrl is not a string/],
    ["an optional request body", [changed(subscribe, (copy) => (copy.request.bodyRequired = false)), unsubscribe], /the request body is optional/],
    [
      "a callback URL property that does not exist",
      [
        changed(subscribe, (copy) => Object.assign(copy.connector.trigger ?? {}, { webhook: { ...webhookHint(), callbackUrlProperty: "body/url" } })),
        unsubscribe,
      ],
      /callback URL property body\/url matches no property/,
    ],
    [
      "a callback URL outside the body",
      [
        changed(subscribe, (copy) => Object.assign(copy.connector.trigger ?? {}, { webhook: { ...webhookHint(), callbackUrlProperty: "response/url" } })),
        unsubscribe,
      ],
      /is not a request-body property/,
    ],
    ["a 200 answer", [changed(subscribe, (copy) => (copy.success = { ...copy.success, status: 200 })), unsubscribe], /answers 200, not 201/],
    [
      "a 201 without Location",
      [changed(subscribe, (copy) => (copy.success = { status: 201, description: "Subscribed." })), unsubscribe],
      /declares no Location header/,
    ],
    ["a GET subscribe", [changed(subscribe, (copy) => (copy.method = "get")), unsubscribe], /is a GET, not a POST or PUT/],
    ["no delete operation", [subscribe], /WhenMessageArrivesInTestQueue: webhook trigger has 0 delete operations/],
    [
      "two delete operations",
      [subscribe, unsubscribe, { ...unsubscribe, operationId: "DeleteAgain", path: `${SUBSCRIBE_PATH}/{other}` }],
      /has 2 delete operations/,
    ],
    [
      "a delete that is not internal",
      [subscribe, changed(unsubscribe, (copy) => (copy.connector.visibility = "advanced"))],
      /DeleteTestQueueWebhook: .* is not internal/,
    ],
    ["a delete that is a POST", [subscribe, changed(unsubscribe, (copy) => (copy.method = "post"))], /but is a POST/],
    [
      "a delete elsewhere than the subscription path",
      [subscribe, changed(unsubscribe, (copy) => (copy.path = "/webhooks/{webhookId}"))],
      /path \/webhooks\/\{webhookId\} is not WhenMessageArrivesInTestQueue's path/,
    ],
    [
      "a delete of an operation that is not a webhook trigger",
      [
        subscribe,
        unsubscribe,
        changed(unsubscribe, (copy) =>
          Object.assign(copy, { operationId: "DeleteOther", connector: { visibility: "internal", deletesWebhookOf: "SendMessage" } }),
        ),
      ],
      /DeleteOther: deletesWebhookOf names SendMessage, which is not a webhook trigger/,
    ],
    [
      "notification hints on an operation that is no webhook trigger",
      [changed(unsubscribe, (copy) => (copy.connector.properties = { "notification/messageId": { summary: "Message" } }))],
      /DeleteTestQueueWebhook: notification\/messageId \(hint matches nothing\)/,
    ],
  ])("%s", (_name, operations, message) => {
    expect(buildError(operations)).toMatch(message);
  });

  it("two webhook triggers on one path", () => {
    const twin = { ...subscribe, operationId: "WhenTwinArrives", method: "put" as const };
    const twinDelete = {
      ...unsubscribe,
      operationId: "DeleteTwin",
      path: `${SUBSCRIBE_PATH}/{twinId}`,
      connector: { ...unsubscribe.connector, deletesWebhookOf: "WhenTwinArrives" },
    };
    expect(buildError([subscribe, unsubscribe, twin, twinDelete])).toMatch(/WhenTwinArrives: another webhook trigger already has the path/);
  });
});

function webhookHint(): JsonSchema {
  const trigger = subscribe.connector.trigger;
  if (!trigger || !("webhook" in trigger)) throw new Error("the test's subscribe operation is no webhook trigger");
  return { ...trigger.webhook };
}
