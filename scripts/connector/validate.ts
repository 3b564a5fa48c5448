/**
 * Validates the committed connector files offline: Swagger 2.0 validity (@apidevtools/swagger-parser),
 * the PowerPlatformConnectors JSON Schemas (../shared/reference/powerplatform-schemas, as a lint), and
 * our certification-rule checks. Exit 1 on any error.
 *
 *   node --import tsx scripts/connector/validate.ts [--schema-dir DIR]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { API_DEFINITION_FILE, API_PROPERTIES_FILE } from "../../connector/generate.js";
import type { JsonSchema } from "../../connector/schema.js";
import { checkConnectorRules } from "../../connector/validate/rules.js";
import { compileConnectorSchemas, defaultSchemaDir, loadConnectorSchemas } from "../../connector/validate/schema-lint.js";
import { swaggerValidityErrors } from "../../connector/validate/swagger-validity.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function readJson(relative: string): JsonSchema {
  return JSON.parse(readFileSync(path.join(repoRoot, relative), "utf8")) as JsonSchema;
}

async function main(): Promise<void> {
  const schemaDirFlag = process.argv.indexOf("--schema-dir");
  const schemaDir = schemaDirFlag > 0 ? path.resolve(process.argv[schemaDirFlag + 1] ?? "") : defaultSchemaDir(repoRoot);
  const apiDefinition = readJson(API_DEFINITION_FILE);
  const apiProperties = readJson(API_PROPERTIES_FILE);
  const settings = readJson(path.join("connector", "settings.json"));
  const lint = compileConnectorSchemas(loadConnectorSchemas(schemaDir));
  const sections: Array<[string, string[]]> = [
    ["Swagger 2.0 (swagger-parser)", await swaggerValidityErrors(apiDefinition)],
    [`${API_DEFINITION_FILE} (PowerPlatformConnectors schema)`, lint.apiDefinition(apiDefinition)],
    [`${API_PROPERTIES_FILE} (PowerPlatformConnectors schema)`, lint.apiProperties(apiProperties)],
    ["connector/settings.json (PowerPlatformConnectors schema)", lint.settings(settings)],
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
