/** Shared by the connector contract tests: the committed files, the repo root and the schema folder. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonSchema } from "../../connector/schema.js";
import type { ConnectorFiles } from "../../connector/validate/rules.js";
import { defaultSchemaDir } from "../../connector/validate/schema-lint.js";

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

/**
 * `<repo>/../shared/reference/powerplatform-schemas`, where CI copies shared/. Missing means the
 * checkout is incomplete: fail loudly rather than skip.
 */
export function requireSchemaDir(): string {
  const dir = defaultSchemaDir(REPO_ROOT);
  if (!existsSync(dir)) {
    throw new Error(
      `PowerPlatformConnectors schemas not found at ${dir}. CI copies shared/ beside the clone; locally, put shared/ (with reference/powerplatform-schemas/) next to this repository.`,
    );
  }
  return dir;
}
