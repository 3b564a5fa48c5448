/**
 * The connector's Swagger 2.0 definition (`apiDefinition.swagger.json`), converted from the contract:
 * every part of an operation (parameters, body, responses, connector hints) comes from its
 * definition in api/src/contract/operations/. Pure: same operations in, same document out.
 */
import {
  API_KEY_HEADER,
  MessageList,
  OutgoingMessage,
  RETRY_AFTER_DESCRIPTION,
  ReceivedMessage,
  problemResponses,
  requestParameters,
  tagObjects,
} from "../api/src/index.js";
import type { AnyOperation, ConnectorHints, ResponseHeader } from "../api/src/index.js";
import { hoistDefinitions } from "./definitions.js";
import type { NamedSchema } from "./definitions.js";
import { applyDynamicSchemas, applyPropertyHints } from "./hints.js";
import { CONNECTOR_CONTACT, CONNECTOR_DESCRIPTION, CONNECTOR_LINKS, CONNECTOR_TITLE, PLACEHOLDER_HOST } from "./metadata.js";
import { bodyParameter, toSwaggerParameter } from "./parameters.js";
import { toSwaggerSchema } from "./schema.js";
import type { JsonSchema } from "./schema.js";
import { markCallbackUrl, subscribeProblems, webhookOf, webhookPairingProblems } from "./webhooks.js";

/** Name of the API key security definition; apiProperties.json names its connection parameter `api_key` to match. */
export const API_KEY_SECURITY = "api_key";
/** Name of the Entra ID OAuth security definition. */
export const OAUTH_SECURITY = "oauth2_auth";

/** The path-item keyword of a webhook trigger's notification schema (beside the subscribe operation). */
export const NOTIFICATION_CONTENT = "x-ms-notification-content";

/** Schemas shared through `definitions`, smallest first (see definitions.ts). */
export const SHARED_SCHEMAS: readonly NamedSchema[] = [
  { name: "ReceivedMessage", schema: ReceivedMessage },
  { name: "MessageList", schema: MessageList },
  { name: "OutgoingMessage", schema: OutgoingMessage },
];

/** Options of {@link buildSwagger2}. */
export interface Swagger2Options {
  /** `info.version`. */
  version: string;
}

/** A Swagger 2.0 document as plain JSON. */
export type Swagger2Document = JsonSchema & { swagger: "2.0"; paths: Record<string, Record<string, JsonSchema>> };

/**
 * One response per error status the operation can return, listing its problem codes. Described only: the
 * platform uses one response schema per operation (the success one). Power Automate fails the action on
 * any status outside 2xx whether declared or not; declared ones document the failures to makers.
 */
function errorResponses(operation: AnyOperation): JsonSchema {
  return Object.fromEntries(
    problemResponses(operation.problems).map(({ status, description, retryAfter }) => [
      String(status),
      { description, ...(retryAfter ? { headers: { "Retry-After": { description: RETRY_AFTER_DESCRIPTION, type: "integer" } } } : {}) },
    ]),
  );
}

/** The default response: errors are RFC 9457 problems, described but, as the rules demand, without a schema. */
function defaultResponse(operation: AnyOperation): JsonSchema {
  const codes = operation.problems.join(", ");
  return {
    description: `The request failed. The body is an RFC 9457 problem (application/problem+json) whose code is one of: ${codes}.`,
  };
}

function responseHeaders(headers: Record<string, ResponseHeader>): JsonSchema {
  return Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, { description: header.description, type: header.type }]));
}

/** The trigger keywords: polling triggers carry `x-ms-trigger-metadata`, webhook triggers do not (it names polling only). */
function trigger(hints: ConnectorHints): JsonSchema {
  const hint = hints.trigger;
  if (!hint) return {};
  return {
    "x-ms-trigger": hint.type,
    ...("metadata" in hint ? { "x-ms-trigger-metadata": hint.metadata } : {}),
    ...(hint.hint ? { "x-ms-trigger-hint": hint.hint } : {}),
  };
}

/** One operation in Swagger 2.0, the keywords it adds to its path item, and what of it does not fit. */
interface ConvertedOperation {
  swagger: JsonSchema;
  /** `x-ms-notification-content` of a webhook trigger, which sits on the path item. */
  pathItem: Record<string, JsonSchema>;
  unmatched: string[];
  invalid: string[];
}

function convertOperation(operation: AnyOperation): ConvertedOperation {
  const hints = operation.connector;
  const parameterHints = hints.parameters ?? {};
  const declared = requestParameters(operation.request);
  const names = new Set(declared.map((parameter) => parameter.name));
  const unmatched = Object.keys(parameterHints)
    .filter((name) => !names.has(name))
    .map((name) => `parameter ${name}`);
  const invalid: string[] = [];
  // Parameters the platform supplies itself are left out (ParameterHint.excludeFromConnector).
  const parameters = declared
    .filter((parameter) => parameterHints[parameter.name]?.excludeFromConnector === undefined)
    .map((parameter) => toSwaggerParameter(parameter, parameterHints[parameter.name]));

  const { body, bodyRequired } = operation.request;
  const bodySchema = body ? toSwaggerSchema(body) : undefined;
  unmatched.push(...applyPropertyHints(bodySchema, "body", hints.properties ?? {}));
  unmatched.push(...applyDynamicSchemas(bodySchema, "body", hints.dynamicSchemas ?? {}));
  if (bodySchema) parameters.push(bodyParameter(bodySchema, bodyRequired ?? true, hints.bodySummary));

  const success = operation.success;
  const successSchema = success.schema ? toSwaggerSchema(success.schema) : undefined;
  unmatched.push(...applyPropertyHints(successSchema, "response", hints.properties ?? {}));
  unmatched.push(...applyDynamicSchemas(successSchema, "response", hints.dynamicSchemas ?? {}));
  const pending = operation.pending;

  // A webhook trigger: the callback URL property, the notification schema, the 201 + Location answer.
  const webhook = webhookOf(operation);
  const notificationSchema = webhook ? toSwaggerSchema(webhook.notification.schema) : undefined;
  unmatched.push(...applyPropertyHints(notificationSchema, "notification", hints.properties ?? {}));
  unmatched.push(...applyDynamicSchemas(notificationSchema, "notification", hints.dynamicSchemas ?? {}));
  if (webhook) {
    invalid.push(...markCallbackUrl(bodySchema, bodyRequired ?? true, webhook.callbackUrlProperty), ...subscribeProblems(operation));
  }
  const pathItem: Record<string, JsonSchema> =
    webhook && notificationSchema ? { [NOTIFICATION_CONTENT]: { description: webhook.notification.description, schema: notificationSchema } } : {};

  const swagger: JsonSchema = {
    operationId: operation.operationId,
    summary: hints.summary ?? operation.summary,
    description: operation.description,
    tags: operation.tags,
    parameters,
    responses: {
      [String(success.status)]: {
        description: success.description,
        ...(successSchema ? { schema: successSchema } : {}),
        ...(success.headers ? { headers: responseHeaders(success.headers) } : {}),
      },
      ...(pending ? { [String(pending.status)]: { description: pending.description, headers: responseHeaders(pending.headers) } } : {}),
      ...errorResponses(operation),
      default: defaultResponse(operation),
    },
    "x-ms-visibility": hints.visibility,
    ...trigger(hints),
  };
  const label = (what: string) => `${operation.operationId}: ${what}`;
  return { swagger, pathItem, unmatched: unmatched.map(label), invalid: invalid.map(label) };
}

/**
 * The Swagger 2.0 connector definition of `operations`.
 *
 * @throws Error when a hint names a parameter or property the operation does not have, or a webhook
 *   trigger or its delete does not fit the platform (see webhooks.ts).
 */
export function buildSwagger2(operations: readonly AnyOperation[], options: Swagger2Options): Swagger2Document {
  const problems: string[] = [];
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const { swagger, pathItem, unmatched, invalid } = convertOperation(operation);
    problems.push(...unmatched.map((what) => `${what} (hint matches nothing)`), ...invalid);
    if (pathItem[NOTIFICATION_CONTENT] && paths[operation.path]?.[NOTIFICATION_CONTENT])
      problems.push(`${operation.operationId}: another webhook trigger already has the path ${operation.path}`);
    paths[operation.path] = { ...paths[operation.path], ...pathItem, [operation.method]: swagger };
  }
  problems.push(...webhookPairingProblems(operations));
  if (problems.length > 0) throw new Error(`Connector hints do not match the contract:\n${problems.join("\n")}`);

  // The schemas to share from: every body, response and notification schema.
  const roots = Object.values(paths).flatMap((item) =>
    Object.entries(item).flatMap(([key, node]) => {
      if (key === NOTIFICATION_CONTENT) return [{ get: () => node["schema"], set: (value: unknown) => (node["schema"] = value) }];
      const parameters = node["parameters"] as JsonSchema[];
      const responses = node["responses"] as Record<string, JsonSchema>;
      return [
        ...parameters
          .filter((parameter) => parameter["in"] === "body")
          .map((parameter) => ({ get: () => parameter["schema"], set: (value: unknown) => (parameter["schema"] = value) })),
        ...Object.values(responses)
          .filter((response) => response["schema"] !== undefined)
          .map((response) => ({ get: () => response["schema"], set: (value: unknown) => (response["schema"] = value) })),
      ];
    }),
  );
  const definitions = hoistDefinitions(SHARED_SCHEMAS, roots);

  const document: Swagger2Document = {
    swagger: "2.0",
    info: {
      title: CONNECTOR_TITLE,
      description: CONNECTOR_DESCRIPTION,
      version: options.version,
      contact: CONNECTOR_CONTACT,
    },
    host: PLACEHOLDER_HOST,
    basePath: "/",
    schemes: ["https"],
    consumes: ["application/json"],
    produces: ["application/json"],
    paths,
    definitions,
    securityDefinitions: {
      [API_KEY_SECURITY]: { type: "apiKey", in: "header", name: API_KEY_HEADER },
      [OAUTH_SECURITY]: {
        type: "oauth2",
        flow: "accessCode",
        authorizationUrl: "https://login.microsoftonline.com/common/oauth2/authorize",
        tokenUrl: "https://login.microsoftonline.com/common/oauth2/token",
        scopes: {},
      },
    },
    security: [{ [API_KEY_SECURITY]: [] }, { [OAUTH_SECURITY]: [] }],
    tags: tagObjects(operations),
    "x-ms-connector-metadata": [
      { propertyName: "Website", propertyValue: CONNECTOR_LINKS.website },
      { propertyName: "Privacy policy", propertyValue: CONNECTOR_LINKS.privacyPolicy },
      { propertyName: "Categories", propertyValue: CONNECTOR_LINKS.categories },
    ],
  };
  // One JSON round trip drops undefined members, so the in-memory document equals the file.
  return JSON.parse(JSON.stringify(document)) as Swagger2Document;
}
