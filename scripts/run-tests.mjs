#!/usr/bin/env node
// Runs the whole vitest suite, then prints the plain summary line CI reads: "N passed, N failed".
// Exits non-zero when any test failed or vitest itself failed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const resultsFile = path.resolve("test-results", "vitest.json");
mkdirSync(path.dirname(resultsFile), { recursive: true });
rmSync(resultsFile, { force: true });

const vitest = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, "utf8"));
  passed = results.numPassedTests ?? 0;
  failed = (results.numFailedTests ?? 0) + (results.numFailedTestSuites ?? 0);
  skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
} catch (error) {
  console.error(`Could not read vitest's results (${resultsFile}): ${error.message}`);
  failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0);
