/** Connector hints (each operation's `connector` field) turned into `x-ms-*` keywords. */
import type { DynamicSchemaHint, DynamicValuesHint, PropertyHint } from "../api/src/index.js";
import { isObject } from "./schema.js";
import type { JsonSchema } from "./schema.js";

/**
 * The schema a hint key starts with: the request body, the success response, or a webhook trigger's
 * notification (`x-ms-notification-content`).
 */
export type HintRoot = "body" | "response" | "notification";

/** `x-ms-dynamic-values` from a hint. */
export function dynamicValues(hint: DynamicValuesHint): JsonSchema {
  return {
    operationId: hint.operationId,
    ...(hint.parameters ? { parameters: hint.parameters } : {}),
    "value-collection": hint.valueCollection,
    "value-path": hint.valuePath,
    "value-title": hint.valueTitle,
  };
}

/**
 * `x-ms-dynamic-schema` and its companion `x-ms-dynamic-properties` from a hint. The platform's validator
 * requires the pair where the schema sits in a body property, and the pair's `itemValuePath` to equal
 * `value-path` (the `dynamic-schema` rule in validate/rules.ts checks both); the pair is emitted
 * everywhere so every location reads the same.
 */
export function dynamicSchema(hint: DynamicSchemaHint): JsonSchema {
  return {
    "x-ms-dynamic-schema": { operationId: hint.operationId, parameters: hint.parameters, "value-path": hint.valuePath },
    "x-ms-dynamic-properties": {
      operationId: hint.operationId,
      parameters: Object.fromEntries(Object.entries(hint.parameters).map(([name, value]) => [name, { parameterReference: value.parameter }])),
      itemValuePath: hint.valuePath,
    },
  };
}

/** `x-ms-enum-values` for an enum, in the enum's order. */
export function enumValues(values: unknown[], titles: Record<string, string>): JsonSchema[] {
  return values.map((value) => ({ value, displayName: titles[String(value)] ?? String(value) }));
}

/** Finds the schema at `segments` (property names; array items are stepped through), or undefined. */
function schemaAt(schema: JsonSchema, segments: readonly string[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const segment of segments) {
    while (current && current["type"] === "array" && isObject(current["items"])) current = current["items"];
    const properties: unknown = current?.["properties"];
    const next: unknown = isObject(properties) ? properties[segment] : undefined;
    current = isObject(next) ? next : undefined;
    if (!current) return undefined;
  }
  return current;
}

/**
 * Adds the dynamic schemas whose key starts with `root` to `schema`, in place; a key of just `root`
 * types the schema itself. Returns the keys that matched nothing.
 */
export function applyDynamicSchemas(schema: JsonSchema | undefined, root: HintRoot, hints: Record<string, DynamicSchemaHint>): string[] {
  const unmatched: string[] = [];
  for (const [key, hint] of Object.entries(hints)) {
    const [first, ...segments] = key.split("/");
    if (first !== root) continue;
    let target = schema ? schemaAt(schema, segments) : undefined;
    while (target && target["type"] === "array" && isObject(target["items"])) target = target["items"];
    if (!target) {
      unmatched.push(`dynamic schema ${key}`);
      continue;
    }
    Object.assign(target, dynamicSchema(hint));
  }
  return unmatched;
}

/**
 * Applies property hints whose key starts with `root` to `schema`, in place.
 * Returns the keys that matched no property, so a misspelt hint fails the build instead of vanishing.
 */
export function applyPropertyHints(schema: JsonSchema | undefined, root: HintRoot, hints: Record<string, PropertyHint>): string[] {
  const unmatched: string[] = [];
  for (const [key, hint] of Object.entries(hints)) {
    const [first, ...segments] = key.split("/");
    if (first !== root) continue;
    const target = schema ? schemaAt(schema, segments) : undefined;
    if (!target || segments.length === 0) {
      unmatched.push(key);
      continue;
    }
    if (hint.visibility) target["x-ms-visibility"] = hint.visibility;
    if (hint.summary) target["x-ms-summary"] = hint.summary;
  }
  return unmatched;
}
