/**
 * Validates the committed connector files offline: Swagger 2.0 validity (@apidevtools/swagger-parser),
 * our certification-rule checks and, when their folder is given (--schema-dir DIR, or the
 * POWERPLATFORM_SCHEMAS_DIR environment variable), Microsoft's PowerPlatformConnectors JSON Schemas as a
 * lint. Exit 1 on any error.
 *
 *   node --import tsx scripts/connector/validate.ts [--schema-dir DIR]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { API_DEFINITION_FILE, API_PROPERTIES_FILE } from "../../connector/generate.js";
import type { JsonSchema } from "../../connector/schema.js";
import { checkConnectorRules } from "../../connector/validate/rules.js";
import { chooseSchemaDir, compileConnectorSchemas, loadConnectorSchemas } from "../../connector/validate/schema-lint.js";
import type { SchemaDirChoice } from "../../connector/validate/schema-lint.js";
import { swaggerValidityErrors } from "../../connector/validate/swagger-validity.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function readJson(relative: string): JsonSchema {
  return JSON.parse(readFileSync(path.join(repoRoot, relative), "utf8")) as JsonSchema;
}

/** The schema lint's sections, or one skipped line when no schema folder is given. */
function schemaLintSections(
  choice: SchemaDirChoice,
  files: { apiDefinition: JsonSchema; apiProperties: JsonSchema; settings: JsonSchema },
): Array<[string, string[]]> {
  if (choice.dir === undefined) {
    console.log(`skip PowerPlatformConnectors schemas (${choice.skipReason})`);
    return [];
  }
  const lint = compileConnectorSchemas(loadConnectorSchemas(choice.dir));
  return [
    [`${API_DEFINITION_FILE} (PowerPlatformConnectors schema)`, lint.apiDefinition(files.apiDefinition)],
    [`${API_PROPERTIES_FILE} (PowerPlatformConnectors schema)`, lint.apiProperties(files.apiProperties)],
    ["connector/settings.json (PowerPlatformConnectors schema)", lint.settings(files.settings)],
  ];
}

async function main(): Promise<void> {
  const schemaDirFlag = process.argv.indexOf("--schema-dir");
  const choice: SchemaDirChoice = schemaDirFlag > 0 ? { dir: path.resolve(process.argv[schemaDirFlag + 1] ?? "") } : chooseSchemaDir(repoRoot);
  const apiDefinition = readJson(API_DEFINITION_FILE);
  const apiProperties = readJson(API_PROPERTIES_FILE);
  const settings = readJson(path.join("connector", "settings.json"));
  const sections: Array<[string, string[]]> = [
    ["Swagger 2.0 (swagger-parser)", await swaggerValidityErrors(apiDefinition)],
    ...schemaLintSections(choice, { apiDefinition, apiProperties, settings }),
    ["certification rules", checkConnectorRules({ apiDefinition, apiProperties })],
  ];
  let failed = false;
  for (const [name, errors] of sections) {
    console.log(`${errors.length === 0 ? "ok  " : "FAIL"} ${name}`);
    for (const error of errors) console.log(`     ${error}`);
    failed ||= errors.length > 0;
  }
  process.exit(failed ? 1 : 0);
}

await main();
