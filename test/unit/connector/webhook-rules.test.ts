import { describe, expect, it } from "vitest";
import { CONNECTOR_RULES } from "../../../connector/validate/rules.js";
import type { ConnectorRule } from "../../../connector/validate/rules.js";

// Small synthetic documents, edited freely.
type Json = Record<string, any>;

const SUBSCRIBE_PATH = "/queues/{queue}/webhooks";
const DELETE_PATH = `${SUBSCRIBE_PATH}/{webhookId}`;
const POLLING_PATH = "/queues/{queue}/triggers/peek-lock";

const queueParameter = () => ({
  name: "queue",
  in: "path",
  required: true,
  type: "string",
  description: "The queue.",
  "x-ms-summary": "Queue",
  "x-ms-url-encoding": "single",
});

const dynamicData = (eventTypeParameter = "eventType") => ({
  description: "The event's data.",
  "x-ms-summary": "Data",
  "x-ms-dynamic-schema": { operationId: "GetEventTypeSchema", parameters: { eventType: { parameter: eventTypeParameter } }, "value-path": "schema" },
  "x-ms-dynamic-properties": {
    operationId: "GetEventTypeSchema",
    parameters: { eventType: { parameterReference: eventTypeParameter } },
    itemValuePath: "schema",
  },
});

/** A compliant webhook trigger (typed by event type), its delete, a polling trigger and the schema operation. */
function document(): Json {
  return {
    swagger: "2.0",
    paths: {
      [SUBSCRIBE_PATH]: {
        "x-ms-notification-content": {
          description: "The message that arrived.",
          schema: {
            type: "object",
            properties: { messageId: { type: "string", "x-ms-summary": "Message ID" }, data: dynamicData() },
          },
        },
        post: {
          operationId: "WhenMessageArrivesInstant",
          summary: "When a message arrives in a queue (instant)",
          description: "This operation triggers when a message arrives in the queue.",
          "x-ms-trigger": "single",
          "x-ms-visibility": "important",
          parameters: [
            queueParameter(),
            { name: "eventType", in: "query", required: false, type: "string", description: "The event type.", "x-ms-summary": "Event type" },
            {
              name: "body",
              in: "body",
              required: true,
              description: "The subscription.",
              "x-ms-summary": "Subscription",
              schema: {
                type: "object",
                required: ["callbackUrl"],
                properties: {
                  callbackUrl: {
                    type: "string",
                    description: "The flow's URL.",
                    "x-ms-summary": "Callback URL",
                    "x-ms-notification-url": true,
                    "x-ms-visibility": "internal",
                  },
                },
              },
            },
          ],
          responses: { "201": { description: "Subscribed.", headers: { Location: { type: "string", description: "The subscription." } } } },
        },
      },
      [DELETE_PATH]: {
        delete: {
          operationId: "DeleteWebhook",
          summary: "Delete a webhook subscription",
          description: "Deletes the subscription.",
          "x-ms-visibility": "internal",
          parameters: [
            queueParameter(),
            {
              name: "webhookId",
              in: "path",
              required: true,
              type: "string",
              description: "The subscription.",
              "x-ms-summary": "Subscription",
              "x-ms-url-encoding": "single",
            },
          ],
          responses: { "204": { description: "Deleted." } },
        },
      },
      [POLLING_PATH]: {
        get: {
          operationId: "WhenMessagesArrive",
          summary: "When messages arrive in a queue",
          description: "This operation triggers when messages arrive in the queue.",
          "x-ms-trigger": "batch",
          "x-ms-trigger-metadata": { kind: "query", mode: "polling" },
          "x-ms-visibility": "important",
          parameters: [queueParameter()],
          responses: {
            "200": {
              description: "Messages.",
              schema: { type: "array", items: { type: "object", properties: { messageId: { type: "string", "x-ms-summary": "Message ID" } } } },
              headers: { Location: { type: "string", description: "Next poll." }, "Retry-After": { type: "integer", description: "Seconds." } },
            },
            "202": {
              description: "Nothing yet.",
              headers: { Location: { type: "string", description: "Next poll." }, "Retry-After": { type: "integer", description: "Seconds." } },
            },
          },
        },
      },
      "/event-types/{eventType}/schema": {
        get: {
          operationId: "GetEventTypeSchema",
          summary: "Get an event type schema",
          description: "The schema of an event type.",
          "x-ms-visibility": "internal",
          parameters: [
            {
              name: "eventType",
              in: "path",
              required: true,
              type: "string",
              description: "The event type.",
              "x-ms-summary": "Event type",
              "x-ms-url-encoding": "single",
            },
          ],
          responses: {
            "200": { description: "The schema.", schema: { type: "object", properties: { schema: { type: "object", "x-ms-summary": "Schema" } } } },
          },
        },
      },
    },
  };
}

const rule = (id: string): ConnectorRule => {
  const found = CONNECTOR_RULES.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

/** The violations of one rule for the document after `change`. */
function violations(id: string, change: (definition: Json) => void = () => {}): string {
  const apiDefinition = document();
  change(apiDefinition);
  return rule(id).check({ apiDefinition, apiProperties: {} }).join("\n");
}

const post = (definition: Json): Json => definition["paths"][SUBSCRIBE_PATH]["post"];
const subscribeBody = (definition: Json): Json => (post(definition)["parameters"] as Json[]).find((parameter) => parameter["in"] === "body") as Json;
const callbackUrl = (definition: Json): Json => subscribeBody(definition)["schema"]["properties"]["callbackUrl"];

/** The rules that read triggers, webhooks and schemas: a compliant document passes every one. */
const RELEVANT_RULES = [
  "triggers",
  "webhook-triggers",
  "notification-url",
  "webhook-delete",
  "dynamic-schema",
  "property-summary",
  "internal-default-required",
  "responses",
  "operation-summary",
  "operation-description",
  "operation-visibility",
  "parameter-summary",
  "path-parameters",
  "body-parameters",
  "no-openapi3-constructs",
  "no-ref-siblings",
];

describe("webhook trigger rules on a small synthetic document", () => {
  it.each(RELEVANT_RULES)("a compliant webhook trigger beside a polling trigger passes %s", (id) => {
    expect(violations(id)).toBe("");
  });

  it("a callback URL nested in an internal, required parent passes", () => {
    const nested = (definition: Json) => {
      const { callbackUrl: url } = subscribeBody(definition)["schema"]["properties"];
      delete url["x-ms-visibility"];
      subscribeBody(definition)["schema"] = {
        type: "object",
        required: ["config"],
        properties: { config: { type: "object", "x-ms-visibility": "internal", "x-ms-summary": "Config", required: ["url"], properties: { url } } },
      };
    };
    expect(violations("notification-url", nested)).toBe("");
    expect(violations("webhook-triggers", nested)).toBe("");
  });

  describe("webhook-triggers", () => {
    it.each<[string, (definition: Json) => void, RegExp]>([
      [
        "no notification content",
        (d) => delete d["paths"][SUBSCRIBE_PATH]["x-ms-notification-content"],
        /WhenMessageArrivesInstant: the path .* has no x-ms-notification-content/,
      ],
      [
        "notification content without a schema",
        (d) => delete d["paths"][SUBSCRIBE_PATH]["x-ms-notification-content"]["schema"],
        /x-ms-notification-content has no schema/,
      ],
      ["a batch webhook", (d) => (post(d)["x-ms-trigger"] = "batch"), /is x-ms-trigger "single", not "batch"/],
      [
        "polling metadata on a webhook",
        (d) => (post(d)["x-ms-trigger-metadata"] = { kind: "query", mode: "polling" }),
        /has x-ms-trigger-metadata, which marks a polling trigger/,
      ],
      ["no notification URL", (d) => delete callbackUrl(d)["x-ms-notification-url"], /the body has 0 x-ms-notification-url properties, not exactly 1/],
      [
        "two notification URLs",
        (d) => (subscribeBody(d)["schema"]["properties"]["otherUrl"] = { ...callbackUrl(d) }),
        /the body has 2 x-ms-notification-url properties/,
      ],
      ["no body", (d) => (post(d)["parameters"] = [queueParameter()]), /the body has 0 x-ms-notification-url properties/],
      ["a 200 instead of 201", (d) => (post(d)["responses"] = { "200": post(d)["responses"]["201"] }), /no 201 response/],
      ["a 201 without Location", (d) => delete post(d)["responses"]["201"]["headers"], /the 201 response does not declare Location/],
      [
        "notification content beside a polling trigger only",
        (d) => (d["paths"][POLLING_PATH]["x-ms-notification-content"] = { schema: { type: "object" } }),
        /\/queues\/\{queue\}\/triggers\/peek-lock: x-ms-notification-content without a webhook trigger/,
      ],
    ])("reports %s", (_name, change, message) => {
      expect(violations("webhook-triggers", change)).toMatch(message);
    });
  });

  describe("notification-url", () => {
    it.each<[string, (definition: Json) => void, RegExp]>([
      ["a number", (d) => (callbackUrl(d)["type"] = "integer"), /WhenMessageArrivesInstant body\/callbackUrl: the notification URL is not a string/],
      ["an optional property", (d) => delete subscribeBody(d)["schema"]["required"], /callbackUrl is not required, so the notification URL may be left out/],
      ["an optional body", (d) => (subscribeBody(d)["required"] = false), /the body parameter holding the notification URL is not required/],
      ["a visible property", (d) => delete callbackUrl(d)["x-ms-visibility"], /neither the notification URL nor a parent is internal/],
      ["a value other than true", (d) => (callbackUrl(d)["x-ms-notification-url"] = "yes"), /x-ms-notification-url is "yes", not true/],
      [
        "one in a response",
        (d) => (d["paths"][POLLING_PATH]["get"]["responses"]["200"]["schema"]["items"]["properties"]["messageId"]["x-ms-notification-url"] = true),
        /\/paths\/~1queues~1\{queue\}~1triggers~1peek-lock\/get\/responses\/200\/schema\/items\/properties\/messageId: x-ms-notification-url outside a webhook trigger's request body/,
      ],
      [
        "one in the notification",
        (d) => (d["paths"][SUBSCRIBE_PATH]["x-ms-notification-content"]["schema"]["properties"]["messageId"]["x-ms-notification-url"] = true),
        /x-ms-notification-content\/schema\/properties\/messageId: x-ms-notification-url outside/,
      ],
      ["one in a query parameter", (d) => (post(d)["parameters"][1]["x-ms-notification-url"] = true), /parameters\/1: x-ms-notification-url outside/],
      [
        "one in an action's body",
        (d) => {
          d["paths"][SUBSCRIBE_PATH]["put"] = { ...structuredClone(post(d)), operationId: "Replace" };
          delete d["paths"][SUBSCRIBE_PATH]["put"]["x-ms-trigger"];
        },
        /put\/parameters\/2\/schema\/properties\/callbackUrl: x-ms-notification-url outside/,
      ],
    ])("reports %s", (_name, change, message) => {
      expect(violations("notification-url", change)).toMatch(message);
    });

    it("reports a required but visible callback URL under an optional parent", () => {
      const found = violations("notification-url", (d) => {
        const url = callbackUrl(d);
        delete url["x-ms-visibility"];
        subscribeBody(d)["schema"] = { type: "object", properties: { config: { type: "object", required: ["url"], properties: { url } } } };
      });
      expect(found).toMatch(/body\/config\/url: config is not required/);
      expect(found).toMatch(/body\/config\/url: neither the notification URL nor a parent is internal/);
    });
  });

  describe("webhook-delete", () => {
    it.each<[string, (definition: Json) => void, RegExp]>([
      [
        "no delete",
        (d) => delete d["paths"][DELETE_PATH],
        /WhenMessageArrivesInstant: no DELETE operation at \/queues\/\{queue\}\/webhooks\/\{\.\.\.\} to remove a subscription/,
      ],
      [
        "a delete one level too deep",
        (d) => {
          d["paths"][`${DELETE_PATH}/state`] = d["paths"][DELETE_PATH];
          delete d["paths"][DELETE_PATH];
        },
        /no DELETE operation/,
      ],
      ["a GET instead of a delete", (d) => (d["paths"][DELETE_PATH] = { get: d["paths"][DELETE_PATH]["delete"] }), /no DELETE operation/],
      ["a visible delete", (d) => (d["paths"][DELETE_PATH]["delete"]["x-ms-visibility"] = "advanced"), /its DELETE operation DeleteWebhook is not internal/],
      [
        "two deletes",
        (d) => (d["paths"][`${SUBSCRIBE_PATH}/{other}`] = { delete: { ...d["paths"][DELETE_PATH]["delete"], operationId: "DeleteOther" } }),
        /2 DELETE operations at .* \(DeleteWebhook, DeleteOther\), not 1/,
      ],
    ])("reports %s", (_name, change, message) => {
      expect(violations("webhook-delete", change)).toMatch(message);
    });
  });

  describe("polling and webhook triggers do not trip each other's rules", () => {
    it("a webhook trigger needs no polling metadata, 200 or 202", () => {
      expect(violations("triggers")).toBe("");
    });

    it("a polling trigger needs no notification content, callback URL or delete", () => {
      const onlyPolling = (d: Json) => {
        delete d["paths"][SUBSCRIBE_PATH];
        delete d["paths"][DELETE_PATH];
      };
      for (const id of ["webhook-triggers", "notification-url", "webhook-delete"]) expect(violations(id, onlyPolling)).toBe("");
    });

    it("a polling trigger still needs its metadata and 202", () => {
      const found = violations("triggers", (d) => {
        delete d["paths"][POLLING_PATH]["get"]["x-ms-trigger-metadata"];
        delete d["paths"][POLLING_PATH]["get"]["responses"]["202"];
      });
      expect(found).toMatch(/WhenMessagesArrive: x-ms-trigger-metadata is missing/);
      expect(found).toMatch(/WhenMessagesArrive: polling trigger has no 202/);
      expect(found).not.toMatch(/WhenMessageArrivesInstant/);
    });

    it("a webhook trigger's wording is checked as any trigger's", () => {
      const found = violations("triggers", (d) => {
        post(d)["summary"] = "Message arrives in a queue";
        post(d)["description"] = "Pushes each message.";
      });
      expect(found).toMatch(/WhenMessageArrivesInstant: trigger summary does not start with "When"/);
      expect(found).toMatch(/WhenMessageArrivesInstant: trigger description does not start with "This operation triggers when"/);
    });
  });

  describe("the notification's typed schema and summaries", () => {
    it("dynamic-schema checks the notification's x-ms-dynamic-schema like a response's", () => {
      const found = violations("dynamic-schema", (d) => {
        d["paths"][SUBSCRIBE_PATH]["x-ms-notification-content"]["schema"]["properties"]["data"] = dynamicData("eventName");
      });
      expect(found).toMatch(
        /WhenMessageArrivesInstant notification\/properties\/data: takes eventType from parameter eventName, which WhenMessageArrivesInstant does not have/,
      );
    });

    it("property-summary checks the notification's properties", () => {
      const found = violations(
        "property-summary",
        (d) => delete d["paths"][SUBSCRIBE_PATH]["x-ms-notification-content"]["schema"]["properties"]["messageId"]["x-ms-summary"],
      );
      expect(found).toMatch(/\/queues\/\{queue\}\/webhooks notification\/messageId: x-ms-summary is missing/);
    });
  });
});
