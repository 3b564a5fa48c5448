/** Swagger 2.0 only: no OpenAPI 3 keywords, and no `$ref` with sibling keys. */
import { isObject } from "../../schema.js";
import type { ConnectorRule } from "./rule.js";

/** Keys that exist only in OpenAPI 3 (or JSON Schema beyond draft-04) and are invalid in Swagger 2.0 / connectors. */
const OPENAPI3_ONLY_KEYS = new Set([
  "nullable",
  "oneOf",
  "anyOf",
  "not",
  "const",
  "requestBody",
  "components",
  "servers",
  "openapi",
  "content",
  "writeOnly",
  "examples",
  "$schema",
  "$id",
]);

/** Parents whose keys are names (of properties, paths, definitions...), not keywords. */
const NAME_MAP_PARENTS = new Set(["properties", "definitions", "paths", "securityDefinitions", "parameters", "responses", "headers", "scopes"]);

function findOpenApi3Keys(node: unknown, where: string, parentKey: string | undefined, out: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, index) => findOpenApi3Keys(child, `${where}/${index}`, undefined, out));
    return;
  }
  if (!isObject(node)) return;
  const keysAreNames = parentKey !== undefined && NAME_MAP_PARENTS.has(parentKey);
  for (const [key, child] of Object.entries(node)) {
    if (!keysAreNames && OPENAPI3_ONLY_KEYS.has(key)) out.push(`${where}/${key}: "${key}" is not Swagger 2.0`);
    if (key.startsWith("x-ms-dynamic") || key === "example" || key === "default" || key === "enum") continue;
    findOpenApi3Keys(child, `${where}/${key}`, keysAreNames ? undefined : key, out);
  }
}

function findRefsWithSiblings(node: unknown, where: string, out: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, index) => findRefsWithSiblings(child, `${where}/${index}`, out));
    return;
  }
  if (!isObject(node)) return;
  if (typeof node["$ref"] === "string" && Object.keys(node).length > 1) out.push(`${where}: $ref has sibling keys (${Object.keys(node).join(", ")})`);
  for (const [key, child] of Object.entries(node)) findRefsWithSiblings(child, `${where}/${key}`, out);
}

export const noOpenApi3ConstructsRule: ConnectorRule = {
  id: "no-openapi3-constructs",
  description: "No OpenAPI 3-only keys (nullable, oneOf, anyOf, const, requestBody, content...).",
  check: ({ apiDefinition }) => {
    const out: string[] = [];
    findOpenApi3Keys(apiDefinition, "", undefined, out);
    return out;
  },
};

export const noRefSiblingsRule: ConnectorRule = {
  id: "no-ref-siblings",
  description: "A $ref has no sibling keys (AdditionalPropertyNotAllowedAdjacentToRef).",
  check: ({ apiDefinition }) => {
    const out: string[] = [];
    findRefsWithSiblings(apiDefinition, "", out);
    return out;
  },
};
