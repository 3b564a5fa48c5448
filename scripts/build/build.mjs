#!/usr/bin/env node
// `npm run build`: compiles the API and the emulator with tsc (tsconfig.build.json) into dist/, then copies the
// files they read at run time next to the compiled code, in the same relative places as in the source tree,
// so dist/ runs on its own:
//   node dist/api/src/server.js       the API (what `npm start` runs through tsx)
//   node dist/emulator/src/cli.js     the emulator's command line (what `npm run emulator` runs through tsx)
// Only dist/api and dist/emulator are replaced; dist/connector (npm run connector:package) is left alone.
import { spawnSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The compiled trees, below dist/. */
export const COMPILED_TREES = ["api", "emulator"];

/** Folders and files the compiled code reads at run time, from the repository root. Add one here when code reads a new one. */
export const RUNTIME_ASSETS = ["api/event-catalog"];

for (const tree of COMPILED_TREES) rmSync(path.join(repoRoot, "dist", tree), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", path.join(repoRoot, "tsconfig.build.json")], { stdio: "inherit" });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
for (const asset of RUNTIME_ASSETS) {
  cpSync(path.join(repoRoot, asset), path.join(repoRoot, "dist", asset), { recursive: true });
}
