/**
 * Generates the connector files at the repo root from the contract registry.
 *
 *   node --import tsx scripts/connector/build.ts          writes apiDefinition.swagger.json and apiProperties.json
 *   node --import tsx scripts/connector/build.ts --check  regenerates in memory; exit 1 when the committed files differ
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateConnectorFiles } from "../../connector/generate.js";
import { jsonDifferences } from "./json-diff.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The version written to `info.version`: the package version. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version?: string };
  if (!manifest.version) throw new Error("package.json has no version.");
  return manifest.version;
}

/** What differs between the committed files and a fresh generation (empty when nothing does). */
export function driftReport(files: Record<string, string>, root = repoRoot): string[] {
  const report: string[] = [];
  for (const [name, generated] of Object.entries(files)) {
    const file = path.join(root, name);
    if (!existsSync(file)) {
      report.push(`${name}: missing (run npm run connector:build)`);
      continue;
    }
    const committed = readFileSync(file, "utf8");
    if (committed === generated) continue;
    let differences: string[];
    try {
      differences = jsonDifferences(JSON.parse(committed), JSON.parse(generated));
    } catch (error) {
      differences = [`not valid JSON: ${(error as Error).message}`];
    }
    if (differences.length === 0) differences = ["same JSON, different formatting"];
    report.push(`${name} differs from a fresh generation:`, ...differences.map((line) => `  ${line}`));
  }
  return report;
}

function main(): void {
  const files = generateConnectorFiles(packageVersion());
  if (process.argv.includes("--check")) {
    const report = driftReport(files);
    if (report.length > 0) {
      console.error(report.join("\n"));
      console.error("The committed connector files are stale: run `npm run connector:build` and commit the result.");
      process.exit(1);
    }
    console.log(`connector:check: ${Object.keys(files).join(" and ")} are up to date.`);
    return;
  }
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(path.join(repoRoot, name), text);
    console.log(`wrote ${name} (${Buffer.byteLength(text)} bytes)`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
