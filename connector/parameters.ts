/**
 * Parameters in Swagger 2.0: path, query and header parameters carry their type inline (no `schema`);
 * the request body becomes one `in: body` parameter. Connector hints add `x-ms-visibility`,
 * `x-ms-summary`, `x-ms-dynamic-values`, `x-ms-enum-values` and, on path parameters,
 * `x-ms-url-encoding`.
 */
import type { ParameterHint, RequestParameter, Visibility } from "../api/src/index.js";
import { dynamicValues, enumValues } from "./hints.js";
import { isObject, toSwaggerSchema } from "./schema.js";
import type { JsonSchema } from "./schema.js";

/** Schema keywords a non-body Swagger 2.0 parameter carries inline. */
const INLINE_KEYWORDS = [
  "type",
  "format",
  "enum",
  "default",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "uniqueItems",
  "multipleOf",
] as const;

/** Default visibility: what a maker must fill in is important, the rest advanced. */
function defaultVisibility(required: boolean): Visibility {
  return required ? "important" : "advanced";
}

/** One path, query or header parameter in Swagger 2.0. */
export function toSwaggerParameter(parameter: RequestParameter, hint: ParameterHint | undefined): JsonSchema {
  const schema = toSwaggerSchema(parameter.schema);
  const type = schema["type"];
  if (type === "object" || type === undefined) {
    throw new Error(`Parameter ${parameter.name} (${parameter.in}) must have a primitive or array type in Swagger 2.0.`);
  }
  const visibility = hint?.visibility ?? defaultVisibility(parameter.required === true);
  // "Optional internal fields are ignored": an internal parameter with a default must be required.
  const required = parameter.in === "path" || parameter.required === true || (visibility === "internal" && schema["default"] !== undefined);
  const summary = hint?.summary ?? schema["x-ms-summary"];
  const result: JsonSchema = {
    name: parameter.name,
    in: parameter.in,
    required,
    description: schema["description"],
    "x-ms-summary": summary,
    "x-ms-visibility": visibility,
  };
  for (const keyword of INLINE_KEYWORDS) {
    if (schema[keyword] !== undefined) result[keyword] = schema[keyword];
  }
  if (type === "array") {
    const items = isObject(schema["items"]) ? schema["items"] : {};
    result["items"] = Object.fromEntries(INLINE_KEYWORDS.filter((keyword) => items[keyword] !== undefined).map((keyword) => [keyword, items[keyword]]));
    result["collectionFormat"] = "csv";
  }
  if (parameter.in === "path") result["x-ms-url-encoding"] = "single";
  if (hint?.dynamicValues) result["x-ms-dynamic-values"] = dynamicValues(hint.dynamicValues);
  if (hint?.enumTitles && Array.isArray(schema["enum"])) result["x-ms-enum-values"] = enumValues(schema["enum"] as unknown[], hint.enumTitles);
  return result;
}

/** The `in: body` parameter of a request body schema (already converted and hinted). */
export function bodyParameter(schema: JsonSchema, required: boolean, summary: string | undefined): JsonSchema {
  const description = typeof schema["description"] === "string" ? schema["description"] : "The request body.";
  return {
    name: "body",
    in: "body",
    required,
    description,
    "x-ms-summary": summary ?? "Request",
    schema,
  };
}
