/**
 * An optional lint with Microsoft's PowerPlatformConnectors JSON Schemas (apiDefinition.swagger.schema.json,
 * paconn-apiProperties.schema.json and paconn-settings.schema.json from the microsoft/PowerPlatformConnectors
 * repository's schemas/ folder). They are not part of this repository: the lint runs when a folder holding
 * them is given ({@link SCHEMA_DIR_VARIABLE}) and is skipped otherwise. The schemas are JSONC, dated 2020,
 * stricter than the live platform; keys the platform accepts today but the schemas predate are validated
 * apart or removed first, each listed here explicitly.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";
import ajvDraft04Module from "ajv-draft-04";
import { parse as parseJsonc } from "jsonc-parser";
import type { ParseError } from "jsonc-parser";
import { createAjv } from "../../api/src/index.js";
import { isObject } from "../schema.js";
import type { JsonSchema } from "../schema.js";

/** File names inside the schema folder. */
export const SCHEMA_FILES = {
  apiDefinition: "apiDefinition.swagger.schema.json",
  apiProperties: "paconn-apiProperties.schema.json",
  settings: "paconn-settings.schema.json",
} as const;

/**
 * apiProperties.json keys newer than the 2020 schema: removed before the schema check.
 * `connectionParameterSets` (multi-auth, documented for paconn) is checked on its own: each set's
 * parameters against the schema's ConnectionParameter definition.
 */
export const NEWER_API_PROPERTIES_KEYS = ["connectionParameterSets"] as const;

/** apiDefinition keys newer than the 2020 schema (none used yet; e.g. `x-ms-openai-data`). */
export const NEWER_API_DEFINITION_KEYS: readonly string[] = [];

/** The environment variable that names the folder holding the three schema files. */
export const SCHEMA_DIR_VARIABLE = "POWERPLATFORM_SCHEMAS_DIR";

/** Where the schemas are looked for when the variable is unset, relative to the repository root (used only when it exists). */
export const FALLBACK_SCHEMA_DIR = path.join("..", "shared", "reference", "powerplatform-schemas");

/** Where the lint's schemas are: a folder, or why the lint is skipped. */
export type SchemaDirChoice = { dir: string; skipReason?: undefined } | { dir?: undefined; skipReason: string };

/**
 * The schema folder: the one {@link SCHEMA_DIR_VARIABLE} names (relative to the working directory; it
 * must exist, since asking for the lint and not getting it would hide a mistake), else
 * {@link FALLBACK_SCHEMA_DIR} when it exists, else none, with the reason the lint is skipped.
 *
 * @throws Error when the variable names a folder that does not exist.
 */
export function chooseSchemaDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): SchemaDirChoice {
  const given = env[SCHEMA_DIR_VARIABLE];
  if (given) {
    const dir = path.resolve(given);
    if (!existsSync(dir)) throw new Error(`${SCHEMA_DIR_VARIABLE} is ${given}, but ${dir} does not exist.`);
    return { dir };
  }
  const fallback = path.resolve(repoRoot, FALLBACK_SCHEMA_DIR);
  if (existsSync(fallback)) return { dir: fallback };
  return { skipReason: `set ${SCHEMA_DIR_VARIABLE} to a folder with the PowerPlatformConnectors schemas to run it` };
}

/** Reads a JSONC file. */
export function readJsonc(file: string): JsonSchema {
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(readFileSync(file, "utf8"), errors, { allowTrailingComma: true });
  if (errors.length > 0 || !isObject(value)) throw new Error(`${file}: not valid JSONC (${errors.length} parse errors)`);
  return value;
}

/** The three schemas, loaded; throws a clear error when the folder or a file is missing. */
export function loadConnectorSchemas(schemaDir: string): Record<keyof typeof SCHEMA_FILES, JsonSchema> {
  const missing = Object.values(SCHEMA_FILES).filter((file) => !existsSync(path.join(schemaDir, file)));
  if (missing.length > 0) {
    throw new Error(
      `The PowerPlatformConnectors schemas are missing from ${schemaDir} (${missing.join(", ")}). ` +
        "Copy them from the schemas/ folder of the microsoft/PowerPlatformConnectors repository.",
    );
  }
  return {
    apiDefinition: readJsonc(path.join(schemaDir, SCHEMA_FILES.apiDefinition)),
    apiProperties: readJsonc(path.join(schemaDir, SCHEMA_FILES.apiProperties)),
    settings: readJsonc(path.join(schemaDir, SCHEMA_FILES.settings)),
  };
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}${error.params ? ` ${JSON.stringify(error.params)}` : ""}`,
  );
}

/** The draft-07 files name themselves with draft-04's `id`, which Ajv refuses: use `$id` instead. */
function withDraft07Id(schema: JsonSchema, id: string): JsonSchema {
  const copy: JsonSchema = { ...schema, $id: id };
  delete copy["id"];
  return copy;
}

/** Compiled validators for the three files. */
export interface ConnectorSchemaLint {
  apiDefinition(document: JsonSchema): string[];
  apiProperties(document: JsonSchema): string[];
  settings(document: JsonSchema): string[];
}

/** Compiles the schemas: draft-04 for the definition, draft-07 for the paconn files. Unknown keywords (`defaultSnippets`) are ignored. */
export function compileConnectorSchemas(schemas: Record<keyof typeof SCHEMA_FILES, JsonSchema>): ConnectorSchemaLint {
  // A CommonJS module: its class is both the module and its `default` member.
  const Ajv04 = ajvDraft04Module.default;
  const ajv04 = new Ajv04({ strict: false, allErrors: true, validateFormats: false });
  const definition = ajv04.compile(schemas.apiDefinition);
  const ajv07 = createAjv({ strict: false, useDefaults: false, validateFormats: false });
  const properties = ajv07.compile(withDraft07Id(schemas.apiProperties, "urn:powerplatform:apiProperties"));
  const connectionParameter: ValidateFunction = ajv07.compile({ $ref: "urn:powerplatform:apiProperties#/definitions/ConnectionParameter" });
  const settings = ajv07.compile(withDraft07Id(schemas.settings, "urn:powerplatform:settings"));

  return {
    apiDefinition(document) {
      const copy = structuredClone(document);
      for (const key of NEWER_API_DEFINITION_KEYS) delete copy[key];
      return definition(copy) ? [] : formatErrors(definition.errors);
    },
    apiProperties(document) {
      const copy = structuredClone(document);
      const inner = isObject(copy["properties"]) ? copy["properties"] : {};
      const sets = inner["connectionParameterSets"];
      for (const key of NEWER_API_PROPERTIES_KEYS) delete inner[key];
      const errors = properties(copy) ? [] : formatErrors(properties.errors);
      const values = isObject(sets) && Array.isArray(sets["values"]) ? sets["values"].filter(isObject) : [];
      for (const set of values) {
        for (const [name, parameter] of Object.entries(isObject(set["parameters"]) ? set["parameters"] : {})) {
          if (!connectionParameter(parameter)) {
            errors.push(...formatErrors(connectionParameter.errors).map((line) => `connectionParameterSets ${String(set["name"])}/${name}: ${line}`));
          }
        }
      }
      return errors;
    },
    settings(document) {
      return settings(document) ? [] : formatErrors(settings.errors);
    },
  };
}
