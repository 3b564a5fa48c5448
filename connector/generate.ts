/**
 * The generated connector files, as the exact text written at the repo root: two-space JSON with a
 * trailing newline, so a fresh generation can be compared byte for byte with the committed files.
 */
import { OPERATIONS } from "../api/src/index.js";
import type { AnyOperation } from "../api/src/index.js";
import { buildApiProperties } from "./api-properties.js";
import { buildSwagger2 } from "./swagger2.js";
import type { Swagger2Document } from "./swagger2.js";
import type { JsonSchema } from "./schema.js";

/** File names of the generated files, relative to the repo root. */
export const API_DEFINITION_FILE = "apiDefinition.swagger.json";
export const API_PROPERTIES_FILE = "apiProperties.json";

/** The two generated documents. */
export interface ConnectorDocuments {
  apiDefinition: Swagger2Document;
  apiProperties: JsonSchema;
}

/** Builds both documents from the registry (or the given operations). */
export function buildConnectorDocuments(version: string, operations: readonly AnyOperation[] = OPERATIONS): ConnectorDocuments {
  const apiDefinition = buildSwagger2(operations, { version });
  const hasTriggers = Object.values(apiDefinition.paths).some((item) => Object.values(item).some((operation) => operation["x-ms-trigger"] !== undefined));
  return { apiDefinition, apiProperties: buildApiProperties({ hasTriggers }) };
}

/** The text of a generated JSON file. */
export function toFileText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** File name -> text of every generated root file. */
export function generateConnectorFiles(version: string): Record<string, string> {
  const { apiDefinition, apiProperties } = buildConnectorDocuments(version);
  return { [API_DEFINITION_FILE]: toFileText(apiDefinition), [API_PROPERTIES_FILE]: toFileText(apiProperties) };
}
