/**
 * Writes what an administrator imports: the folder `dist/connector/` and the same files zipped as
 * `dist/service-bus-bridge-connector.zip`:
 *
 *   apiDefinition.swagger.json   the Swagger 2.0 definition (as committed at the repo root)
 *   apiProperties.json           connection types, dynamic host policy, brand colour
 *   icon.png                     230 x 230 icon
 *   settings.json                paconn settings pointing at the files beside it
 *   readme.md                    the connector readme (connector/readme.md)
 *
 * Refuses to package when the committed root files are stale (run `npm run connector:build` first).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { API_DEFINITION_FILE, API_PROPERTIES_FILE, generateConnectorFiles } from "../../connector/generate.js";
import { driftReport, packageVersion } from "./build.js";
import { createZip } from "./zip.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** paconn settings for the packaged folder: every path relative to it. */
export const PACKAGE_SETTINGS = {
  apiDefinition: API_DEFINITION_FILE,
  apiProperties: API_PROPERTIES_FILE,
  icon: "icon.png",
  powerAppsUrl: "https://api.powerapps.com",
  powerAppsApiVersion: "2016-11-01",
};

/** File name -> bytes of the package. */
export function packageFiles(root = repoRoot): Record<string, Buffer> {
  return {
    [API_DEFINITION_FILE]: readFileSync(path.join(root, API_DEFINITION_FILE)),
    [API_PROPERTIES_FILE]: readFileSync(path.join(root, API_PROPERTIES_FILE)),
    "icon.png": readFileSync(path.join(root, "connector", "icon.png")),
    "settings.json": Buffer.from(`${JSON.stringify(PACKAGE_SETTINGS, null, 2)}\n`),
    "readme.md": readFileSync(path.join(root, "connector", "readme.md")),
  };
}

function main(): void {
  const drift = driftReport(generateConnectorFiles(packageVersion()));
  if (drift.length > 0) {
    console.error(drift.join("\n"));
    console.error("Run `npm run connector:build` before packaging.");
    process.exit(1);
  }
  const files = packageFiles();
  const folder = path.join(repoRoot, "dist", "connector");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(folder, name), data);
  const zipFile = path.join(repoRoot, "dist", "service-bus-bridge-connector.zip");
  writeFileSync(zipFile, createZip(Object.entries(files).map(([name, data]) => ({ name, data }))));
  console.log(`wrote ${path.relative(repoRoot, folder)}/ (${Object.keys(files).join(", ")}) and ${path.relative(repoRoot, zipFile)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
