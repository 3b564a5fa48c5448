/**
 * Builds the OpenAPI 3.0 document from the contract registry. Schemas are copied as plain JSON
 * (TypeBox's symbol keys are dropped); `x-ms-*` hints ride along as specification extensions. A webhook
 * trigger's notification is an OpenAPI callback (what the API POSTs to the callback URL given in the
 * subscribe body), not the connector's `x-ms-notification-content`.
 */
import type { TSchema } from "@sinclair/typebox";
import type { OpenAPIV3 } from "openapi-types";
import type { AnyOperation, ResponseHeader } from "../contract/operation.js";
import { requestParameters } from "../contract/request-parameters.js";
import { tagObjects } from "../contract/tags.js";
import type { RequestParameter } from "../contract/request-parameters.js";
import { PROBLEM_SCHEMA_NAME, problemComponents } from "./problem-schema.js";
import { RETRY_AFTER_DESCRIPTION, problemResponses } from "./problem-responses.js";
import type { ProblemCode } from "../problems/codes.js";

/** The header the API key travels in. */
export const API_KEY_HEADER = "X-API-Key";

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiDocumentOptions {
  title?: string;
  version: string;
  description?: string;
}

function plain(schema: TSchema): OpenAPIV3.SchemaObject {
  return JSON.parse(JSON.stringify(schema)) as OpenAPIV3.SchemaObject;
}

function parameterObject(parameter: RequestParameter): OpenAPIV3.ParameterObject {
  const copy = plain(parameter.schema);
  const description = copy.description;
  const summary = (copy as Record<string, unknown>)["x-ms-summary"];
  return {
    name: parameter.name,
    in: parameter.in,
    required: parameter.required,
    ...(description === undefined ? {} : { description }),
    ...(summary === undefined ? {} : { "x-ms-summary": summary }),
    schema: copy,
  };
}

function problemResponseObjects(codes: readonly ProblemCode[]): OpenAPIV3.ResponsesObject {
  const responses: OpenAPIV3.ResponsesObject = {};
  for (const { status, description, retryAfter } of problemResponses(codes)) {
    responses[String(status)] = {
      description,
      ...(retryAfter ? { headers: { "Retry-After": { description: RETRY_AFTER_DESCRIPTION, schema: { type: "integer" } } } } : {}),
      content: { "application/problem+json": { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } } },
    };
  }
  return responses;
}

/** Response headers in OpenAPI 3: each with a schema of its type. */
function headerObjects(headers: Record<string, ResponseHeader>): Record<string, OpenAPIV3.HeaderObject> {
  return Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, { description: header.description, schema: { type: header.type } }]));
}

/** The name of a webhook trigger's callback in `callbacks`. */
export const NOTIFICATION_CALLBACK = "notification";

/**
 * A webhook trigger's notification as an OpenAPI callback: a POST of the notification schema to the URL
 * the subscribe body's callback URL property holds (`{$request.body#/callbackUrl}`).
 */
function notificationCallback(operation: AnyOperation): Record<string, OpenAPIV3.CallbackObject> {
  const trigger = operation.connector.trigger;
  if (!trigger || !("webhook" in trigger)) return {};
  const { callbackUrlProperty, notification } = trigger.webhook;
  const pointer = callbackUrlProperty.split("/").slice(1).join("/");
  const post: OpenAPIV3.OperationObject = {
    operationId: `${operation.operationId}Notification`,
    summary: "Notification to the callback URL",
    description: notification.description,
    requestBody: { required: true, content: { "application/json": { schema: plain(notification.schema) } } },
    responses: {
      "200": { description: "Received: any 2xx status acknowledges the notification." },
      "404": { description: "Not found (or 410 Gone): the flow behind the callback URL no longer exists." },
    },
  };
  return { [NOTIFICATION_CALLBACK]: { [`{$request.body#/${pointer}}`]: { post } } };
}

function operationObject(operation: AnyOperation): OpenAPIV3.OperationObject {
  const { request, success } = operation;
  const responses: OpenAPIV3.ResponsesObject = {
    [String(success.status)]: {
      description: success.description,
      ...(success.headers ? { headers: headerObjects(success.headers) } : {}),
      ...(success.schema ? { content: { "application/json": { schema: plain(success.schema) } } } : {}),
    },
    ...problemResponseObjects(operation.problems),
  };
  const callbacks = notificationCallback(operation);
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: operation.description,
    tags: operation.tags,
    parameters: requestParameters(request).map(parameterObject),
    ...(request.body ? { requestBody: { required: request.bodyRequired ?? true, content: { "application/json": { schema: plain(request.body) } } } } : {}),
    responses,
    ...(Object.keys(callbacks).length > 0 ? { callbacks } : {}),
    "x-ms-visibility": operation.connector.visibility,
    "x-api-scopes": operation.auth.scopes,
  } as OpenAPIV3.OperationObject;
}

/** The OpenAPI 3.0 document of the given operations. */
export function buildOpenApiDocument(operations: readonly AnyOperation[], options: OpenApiDocumentOptions): OpenAPIV3.Document {
  const paths: OpenAPIV3.PathsObject = {};
  for (const operation of operations) {
    const item: OpenAPIV3.PathItemObject = paths[operation.path] ?? {};
    item[operation.method] = operationObject(operation);
    paths[operation.path] = item;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: options.title ?? "Service Bus Bridge",
      version: options.version,
      description:
        options.description ??
        "Send, peek, receive and settle Azure Service Bus messages over HTTP, with readable JSON messages and peek-lock settlement. " +
          `Authenticate with an API key in the ${API_KEY_HEADER} header.`,
    },
    tags: tagObjects(operations),
    paths,
    components: {
      securitySchemes: { apiKey: { type: "apiKey", in: "header", name: API_KEY_HEADER } },
      schemas: problemComponents(),
    },
    security: [{ apiKey: [] }],
  };
}
