/**
 * Connector hints: merging an operation's own `connector` field with the separate hint table
 * (api/src/contract/connector-hints.ts), and turning hints into `x-ms-*` keywords.
 */
import type { AnyOperation, ConnectorHints, DynamicValuesHint, ParameterHint, PropertyHint } from "../api/src/contract/operation.js";
import { isObject } from "./schema.js";
import type { JsonSchema } from "./schema.js";

/** The operation's hints with the extra hints for its operationId merged over them. */
export function mergeHints(operation: AnyOperation, extra: Partial<ConnectorHints> | undefined): ConnectorHints {
  const own = operation.connector;
  if (!extra) return own;
  const parameters: Record<string, ParameterHint> = { ...own.parameters };
  for (const [name, hint] of Object.entries(extra.parameters ?? {})) parameters[name] = { ...parameters[name], ...hint };
  return {
    ...own,
    ...extra,
    visibility: extra.visibility ?? own.visibility,
    parameters,
    properties: { ...own.properties, ...extra.properties },
  };
}

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
 * Applies property hints whose key starts with `root` (`body` or `response`) to `schema`, in place.
 * Returns the keys that matched no property, so a misspelt hint fails the build instead of vanishing.
 */
export function applyPropertyHints(schema: JsonSchema | undefined, root: "body" | "response", hints: Record<string, PropertyHint>): string[] {
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
