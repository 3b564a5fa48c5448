/** Shared by the connector contract tests: the committed files and the repo root. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonSchema } from "../../connector/schema.js";
import type { ConnectorFiles } from "../../connector/validate/rules.js";

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Reads a JSON file relative to the repo root. */
export function readRepoJson(relative: string): JsonSchema {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, relative), "utf8")) as JsonSchema;
}

/** The committed apiDefinition.swagger.json and apiProperties.json, parsed afresh (tests may mutate them). */
export function committedFiles(): ConnectorFiles {
  return { apiDefinition: readRepoJson("apiDefinition.swagger.json"), apiProperties: readRepoJson("apiProperties.json") };
}
