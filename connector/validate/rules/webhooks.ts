/**
 * Webhook trigger rules. A webhook trigger is a trigger that is not a GET (see triggerKindOf): its
 * subscribe operation. The platform calls it with the flow's callback URL in the body property marked
 * `x-ms-notification-url`, reads the notification's shape from the path item's
 * `x-ms-notification-content`, and removes the subscription with a `DELETE` on the `Location` of the
 * `201` answer. The validator's error names are given where Microsoft lists one ("Fix Swagger Validator
 * errors"); polling triggers are left to triggers.ts.
 */
import { isObject } from "../../schema.js";
import { isSubscriptionPath } from "../../webhooks.js";
import type { JsonSchema } from "../../schema.js";
import { notificationSchemaOf, operationsOf, parametersOf, resolveRef, responsesOf, triggerKindOf } from "../walk.js";
import type { OperationEntry } from "../walk.js";
import type { ConnectorRule } from "./rule.js";

const NOTIFICATION_URL = "x-ms-notification-url";

/** The webhook triggers of a document. */
function webhookTriggersOf(document: JsonSchema): OperationEntry[] {
  return operationsOf(document).filter((entry) => triggerKindOf(entry) === "webhook");
}

/** A schema node on the way to a property: the property's schema and whether its parent requires it. */
interface ChainLink {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** Every property of an input schema (through objects' properties only) marked x-ms-notification-url, with the chain of properties down to it. */
function notificationUrlChains(schema: JsonSchema, chain: ChainLink[] = []): ChainLink[][] {
  const found: ChainLink[][] = [];
  const properties = isObject(schema["properties"]) ? schema["properties"] : {};
  const required = Array.isArray(schema["required"]) ? (schema["required"] as unknown[]) : [];
  for (const [name, property] of Object.entries(properties)) {
    if (!isObject(property)) continue;
    const next = [...chain, { name, schema: property, required: required.includes(name) }];
    if (property[NOTIFICATION_URL] !== undefined) found.push(next);
    found.push(...notificationUrlChains(property, next));
  }
  return found;
}

/** The body parameter of an operation, if any. */
function bodyParameterOf(operation: JsonSchema): JsonSchema | undefined {
  return parametersOf(operation).find((parameter) => parameter["in"] === "body");
}

/** Every object in `node` that has `key`, with its JSON pointer. */
function nodesWithKey(node: unknown, key: string, where = ""): Array<{ where: string; node: JsonSchema }> {
  if (Array.isArray(node)) return node.flatMap((child, index) => nodesWithKey(child, key, `${where}/${index}`));
  if (!isObject(node)) return [];
  const found = key in node ? [{ where: where || "/", node }] : [];
  for (const [name, child] of Object.entries(node)) found.push(...nodesWithKey(child, key, `${where}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`));
  return found;
}

export const webhookTriggersRule: ConnectorRule = {
  id: "webhook-triggers",
  description:
    "A webhook trigger (a trigger that is not a GET) is x-ms-trigger single without x-ms-trigger-metadata (which names polling); its path item has x-ms-notification-content with a schema " +
    "(OperationMustHaveNotificationContentExtension, SchemaDefinitionSetIncorrectly); its body has exactly one x-ms-notification-url property (WebhookOperationsMissingNotificationUrlProperty); " +
    "its 201 response declares Location, the URL the platform deletes the subscription with. x-ms-notification-content sits only beside a webhook trigger.",
  check: ({ apiDefinition }) => {
    const problems: string[] = [];
    const webhookPaths = new Set<string>();
    for (const entry of webhookTriggersOf(apiDefinition)) {
      const { label, operation, path, pathItem } = entry;
      webhookPaths.add(path);
      if (operation["x-ms-trigger"] !== "single")
        problems.push(`${label}: a webhook trigger is x-ms-trigger "single", not ${JSON.stringify(operation["x-ms-trigger"])}`);
      if (operation["x-ms-trigger-metadata"] !== undefined)
        problems.push(`${label}: a webhook trigger has x-ms-trigger-metadata, which marks a polling trigger`);
      const content = pathItem["x-ms-notification-content"];
      if (!isObject(content)) problems.push(`${label}: the path ${path} has no x-ms-notification-content describing what the webhook pushes`);
      else if (!resolveRef(apiDefinition, notificationSchemaOf(entry)))
        problems.push(`${label}: x-ms-notification-content has no schema, so the trigger has no outputs`);
      const body = bodyParameterOf(operation);
      const count = isObject(body?.["schema"]) ? notificationUrlChains(body["schema"]).length : 0;
      if (count !== 1) problems.push(`${label}: the body has ${count} x-ms-notification-url properties, not exactly 1 (the callback URL)`);
      const created = responsesOf(operation)["201"];
      if (!created) problems.push(`${label}: no 201 response (the platform expects 201 with Location when it subscribes)`);
      else if (!(isObject(created["headers"]) && "Location" in created["headers"])) problems.push(`${label}: the 201 response does not declare Location`);
    }
    const paths = isObject(apiDefinition["paths"]) ? apiDefinition["paths"] : {};
    for (const [path, item] of Object.entries(paths)) {
      if (isObject(item) && item["x-ms-notification-content"] !== undefined && !webhookPaths.has(path))
        problems.push(`${path}: x-ms-notification-content without a webhook trigger on the path`);
    }
    return problems;
  },
};

export const notificationUrlRule: ConnectorRule = {
  id: "notification-url",
  description:
    "x-ms-notification-url is true and only on a property of a webhook trigger's body (NotificationUrlNotAllowedInThisPosition); that property is a string (NotificationUrlNotString), " +
    "required at every level with the body parameter required (NotificationUrlNotRequired), and internal itself or through a parent (NotificationUrlNotInternal).",
  check: ({ apiDefinition }) => {
    const problems: string[] = [];
    const checked = new Set<JsonSchema>();
    for (const { label, operation } of webhookTriggersOf(apiDefinition)) {
      const body = bodyParameterOf(operation);
      if (!body || !isObject(body["schema"])) continue;
      for (const chain of notificationUrlChains(body["schema"])) {
        const property = chain[chain.length - 1] as ChainLink;
        checked.add(property.schema);
        const where = `${label} body/${chain.map((link) => link.name).join("/")}`;
        if (property.schema[NOTIFICATION_URL] !== true)
          problems.push(`${where}: x-ms-notification-url is ${JSON.stringify(property.schema[NOTIFICATION_URL])}, not true`);
        if (property.schema["type"] !== "string") problems.push(`${where}: the notification URL is not a string`);
        if (body["required"] !== true) problems.push(`${where}: the body parameter holding the notification URL is not required`);
        for (const link of chain) if (!link.required) problems.push(`${where}: ${link.name} is not required, so the notification URL may be left out`);
        const internal = body["x-ms-visibility"] === "internal" || chain.some((link) => link.schema["x-ms-visibility"] === "internal");
        if (!internal) problems.push(`${where}: neither the notification URL nor a parent is internal, so makers would be asked for it`);
      }
    }
    for (const { where, node } of nodesWithKey(apiDefinition, NOTIFICATION_URL)) {
      if (!checked.has(node)) problems.push(`${where}: x-ms-notification-url outside a webhook trigger's request body`);
    }
    return problems;
  },
};

export const webhookDeleteRule: ConnectorRule = {
  id: "webhook-delete",
  description:
    "Every webhook trigger has one DELETE operation at its path plus one path parameter (the subscription its Location names), internal: the platform calls it when the flow is turned off, changed or deleted.",
  check: ({ apiDefinition }) => {
    const operations = operationsOf(apiDefinition);
    return webhookTriggersOf(apiDefinition).flatMap(({ label, path }) => {
      const prefix = `${path.replace(/\/+$/, "")}/`;
      const deletes = operations.filter((entry) => entry.method === "delete" && isSubscriptionPath(path, entry.path));
      if (deletes.length === 0) return [`${label}: no DELETE operation at ${prefix}{...} to remove a subscription`];
      if (deletes.length > 1)
        return [`${label}: ${deletes.length} DELETE operations at ${prefix}{...} (${deletes.map((entry) => entry.label).join(", ")}), not 1`];
      const [remove] = deletes as [OperationEntry];
      return remove.operation["x-ms-visibility"] === "internal" ? [] : [`${label}: its DELETE operation ${remove.label} is not internal`];
    });
  },
};
