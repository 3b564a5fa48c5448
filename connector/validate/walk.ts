/** Walking a Swagger 2.0 document: its operations, parameters and every schema property. */
import { isObject } from "../schema.js";
import type { JsonSchema } from "../schema.js";

/** HTTP methods a Swagger 2.0 path item may hold. */
export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;

/** One operation with where it sits. */
export interface OperationEntry {
  path: string;
  method: string;
  operation: JsonSchema;
  /** The path item the operation is in (where a webhook trigger's `x-ms-notification-content` is). */
  pathItem: JsonSchema;
  /** `operationId`, or `METHOD path` when it has none. */
  label: string;
}

/** Every operation of the document, in document order. */
export function operationsOf(document: JsonSchema): OperationEntry[] {
  const paths = isObject(document["paths"]) ? document["paths"] : {};
  const entries: OperationEntry[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const id = operation["operationId"];
      entries.push({ path, method, operation, pathItem: item, label: typeof id === "string" ? id : `${method.toUpperCase()} ${path}` });
    }
  }
  return entries;
}

/**
 * What kind of trigger an operation is, if any: a GET trigger polls; any other trigger is a webhook
 * trigger's subscribe operation (a GET cannot carry the callback URL in a body; the platform subscribes
 * with the operation's own method, POST or PUT).
 */
export function triggerKindOf(entry: Pick<OperationEntry, "method" | "operation">): "polling" | "webhook" | undefined {
  if (entry.operation["x-ms-trigger"] === undefined) return undefined;
  return entry.method === "get" ? "polling" : "webhook";
}

/** The schema of a webhook trigger's notification (the path item's `x-ms-notification-content`), if any. */
export function notificationSchemaOf(entry: OperationEntry): JsonSchema | undefined {
  const content = entry.pathItem["x-ms-notification-content"];
  return isObject(content) && isObject(content["schema"]) ? content["schema"] : undefined;
}

/** The parameters of an operation (objects only). */
export function parametersOf(operation: JsonSchema): JsonSchema[] {
  const parameters = operation["parameters"];
  return Array.isArray(parameters) ? parameters.filter(isObject) : [];
}

/** The responses of an operation, by status. */
export function responsesOf(operation: JsonSchema): Record<string, JsonSchema> {
  const responses = operation["responses"];
  if (!isObject(responses)) return {};
  return Object.fromEntries(Object.entries(responses).filter((entry): entry is [string, JsonSchema] => isObject(entry[1])));
}

/** A schema property found while walking, with a readable location. */
export interface PropertyEntry {
  where: string;
  name: string;
  schema: JsonSchema;
  /** Whether the enclosing object lists it in `required`. */
  required: boolean;
}

/** Every property of `schema`, at any depth (through items, additionalProperties and allOf; $refs are not followed). */
export function propertiesOf(schema: unknown, where: string): PropertyEntry[] {
  if (!isObject(schema)) return [];
  const found: PropertyEntry[] = [];
  const properties = schema["properties"];
  const required = new Set(Array.isArray(schema["required"]) ? (schema["required"] as unknown[]) : []);
  if (isObject(properties)) {
    for (const [name, property] of Object.entries(properties)) {
      if (!isObject(property)) continue;
      found.push({ where: `${where}/${name}`, name, schema: property, required: required.has(name) });
      found.push(...propertiesOf(property, `${where}/${name}`));
    }
  }
  if (isObject(schema["items"])) found.push(...propertiesOf(schema["items"], `${where}[]`));
  if (isObject(schema["additionalProperties"])) found.push(...propertiesOf(schema["additionalProperties"], `${where}{}`));
  if (Array.isArray(schema["allOf"])) schema["allOf"].forEach((branch, index) => found.push(...propertiesOf(branch, `${where}/allOf/${index}`)));
  return found;
}

/**
 * Every schema root: body parameters, responses with a schema, webhook notifications and definitions,
 * with their locations.
 */
export function schemaRootsOf(document: JsonSchema): Array<{ where: string; schema: JsonSchema; kind: "input" | "output" }> {
  const roots: Array<{ where: string; schema: JsonSchema; kind: "input" | "output" }> = [];
  const paths = isObject(document["paths"]) ? document["paths"] : {};
  for (const [path, item] of Object.entries(paths)) {
    const content = isObject(item) ? item["x-ms-notification-content"] : undefined;
    if (isObject(content) && isObject(content["schema"])) roots.push({ where: `${path} notification`, schema: content["schema"], kind: "output" });
  }
  for (const { label, operation } of operationsOf(document)) {
    for (const parameter of parametersOf(operation)) {
      if (parameter["in"] === "body" && isObject(parameter["schema"])) roots.push({ where: `${label} body`, schema: parameter["schema"], kind: "input" });
    }
    for (const [status, response] of Object.entries(responsesOf(operation))) {
      if (isObject(response["schema"])) roots.push({ where: `${label} response ${status}`, schema: response["schema"], kind: "output" });
    }
  }
  const definitions = document["definitions"];
  if (isObject(definitions)) {
    for (const [name, schema] of Object.entries(definitions)) {
      if (isObject(schema)) roots.push({ where: `definitions/${name}`, schema, kind: "output" });
    }
  }
  return roots;
}

/** Resolves a local `#/definitions/Name` reference (one level), or returns the schema itself. */
export function resolveRef(document: JsonSchema, schema: unknown): JsonSchema | undefined {
  if (!isObject(schema)) return undefined;
  const ref = schema["$ref"];
  if (typeof ref !== "string") return schema;
  const name = ref.replace(/^#\/definitions\//, "");
  const definitions = document["definitions"];
  const target = isObject(definitions) ? definitions[name] : undefined;
  return isObject(target) ? resolveRef(document, target) : undefined;
}
