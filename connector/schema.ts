/**
 * JSON Schema (OpenAPI 3.0 flavour, as TypeBox writes it) to a Swagger 2.0 schema object: only the
 * keywords Swagger 2.0 knows, `nullable` as `x-nullable`, `const` as a one-value enum, and unions
 * (`anyOf`/`oneOf`) folded into the one type they share, or into an untyped schema.
 */

/** A JSON schema or Swagger schema as plain data. */
export type JsonSchema = Record<string, unknown>;

/** Keywords a Swagger 2.0 schema object may carry (besides `x-` extensions). */
const SWAGGER_SCHEMA_KEYWORDS = new Set([
  "$ref",
  "format",
  "title",
  "description",
  "default",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "required",
  "enum",
  "additionalProperties",
  "type",
  "items",
  "allOf",
  "properties",
  "discriminator",
  "readOnly",
  "xml",
  "externalDocs",
  "example",
]);

/** True for a plain object (not an array, not null). */
export function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNullSchema(schema: unknown): boolean {
  return isObject(schema) && schema["type"] === "null";
}

/** Folds `anyOf`/`oneOf` branches into one Swagger schema: the shared type, or no type at all. */
function foldUnion(branches: unknown[]): { merged: JsonSchema; nullable: boolean } {
  const nullable = branches.some(isNullSchema);
  const rest = branches.filter((branch) => !isNullSchema(branch)).map((branch) => toSwaggerSchema(branch));
  if (rest.length === 1 && rest[0]) return { merged: rest[0], nullable };
  const types = new Set(rest.map((branch) => branch["type"]));
  const [onlyType] = [...types];
  if (types.size === 1 && typeof onlyType === "string") {
    const enums = rest.flatMap((branch) => (Array.isArray(branch["enum"]) ? (branch["enum"] as unknown[]) : []));
    const allEnums = rest.every((branch) => Array.isArray(branch["enum"]));
    return { merged: { type: onlyType, ...(allEnums ? { enum: [...new Set(enums)] } : {}) }, nullable };
  }
  // Mixed types: Swagger 2.0 cannot say "string or number"; an untyped schema accepts any value.
  return { merged: {}, nullable };
}

/** Converts one schema (recursively) to Swagger 2.0. */
export function toSwaggerSchema(input: unknown): JsonSchema {
  if (!isObject(input)) return {};
  const source: JsonSchema = JSON.parse(JSON.stringify(input)) as JsonSchema;
  let result: JsonSchema = {};
  let nullable = source["nullable"] === true;

  for (const union of ["anyOf", "oneOf"]) {
    const branches = source[union];
    if (Array.isArray(branches)) {
      const folded = foldUnion(branches);
      result = { ...folded.merged };
      nullable ||= folded.nullable;
    }
  }

  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith("x-")) {
      result[key] = value;
      continue;
    }
    switch (key) {
      case "type":
        if (Array.isArray(value)) {
          const types = value.filter((type) => type !== "null");
          nullable ||= types.length !== value.length;
          if (types.length === 1) result["type"] = types[0];
        } else if (value !== "null") {
          result["type"] = value;
        }
        break;
      case "const":
        result["enum"] = [value];
        break;
      case "examples":
        if (Array.isArray(value) && value.length > 0) result["example"] = value[0];
        break;
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        if (typeof value === "number") {
          result[key === "exclusiveMinimum" ? "minimum" : "maximum"] = value;
          result[key] = true;
        } else {
          result[key] = value;
        }
        break;
      case "properties":
        if (isObject(value)) {
          result["properties"] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, toSwaggerSchema(property)]));
        }
        break;
      case "items":
        result["items"] = Array.isArray(value) ? toSwaggerSchema(value[0]) : toSwaggerSchema(value);
        break;
      case "additionalProperties":
        result["additionalProperties"] = typeof value === "boolean" ? value : toSwaggerSchema(value);
        break;
      case "allOf":
        if (Array.isArray(value)) result["allOf"] = value.map((branch) => toSwaggerSchema(branch));
        break;
      case "required":
        if (Array.isArray(value) && value.length > 0) result["required"] = value;
        break;
      default:
        if (SWAGGER_SCHEMA_KEYWORDS.has(key)) result[key] = value;
    }
  }
  if (nullable) result["x-nullable"] = true;
  return result;
}
