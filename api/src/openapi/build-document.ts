/**
 * Builds the OpenAPI 3.0 document from the contract registry. Schemas are copied as plain JSON
 * (TypeBox's symbol keys are dropped); `x-ms-*` hints ride along as specification extensions.
 */
import type { TSchema } from "@sinclair/typebox";
import type { OpenAPIV3 } from "openapi-types";
import type { AnyOperation } from "../contract/operation.js";
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

function operationObject(operation: AnyOperation): OpenAPIV3.OperationObject {
  const { request, success } = operation;
  const responses: OpenAPIV3.ResponsesObject = {
    [String(success.status)]: {
      description: success.description,
      ...(success.schema ? { content: { "application/json": { schema: plain(success.schema) } } } : {}),
    },
    ...problemResponseObjects(operation.problems),
  };
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: operation.description,
    tags: operation.tags,
    parameters: requestParameters(request).map(parameterObject),
    ...(request.body ? { requestBody: { required: request.bodyRequired ?? true, content: { "application/json": { schema: plain(request.body) } } } } : {}),
    responses,
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
