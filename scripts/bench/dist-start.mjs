#!/usr/bin/env node
// `npm run bench:start [-- --runs N]`: the API's start time and memory, compiled (`node dist/api/src/server.js`)
// against on-the-fly compilation (`node --import tsx api/src/server.ts`, what `npm start` runs). Each run is a
// fresh process on the embedded in-memory emulator: ms from spawn to the first 200 from /readyz, and the
// process's RSS then and after 200 /healthz requests. Runs alternate between the two so machine load hits both.
// Needs `npm run build` first. Prints a table with medians and the dist/tsx ratios.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const VARIANTS = {
  dist: ["dist/api/src/server.js"],
  tsx: ["--import", "tsx", "api/src/server.ts"],
};

function rssInMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kib / 1024;
}

async function waitForReady(baseUrl, deadline) {
  while (performance.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("/readyz did not answer 200 in time");
}

async function measureOnce(variant) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sbb-start-"));
  const started = performance.now();
  const child = spawn(process.execPath, VARIANTS[variant], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", EMULATOR_IN_MEMORY: "true", DATA_DIR: dataDir, LOG_LEVEL: "warn" },
  });
  try {
    const baseUrl = await new Promise((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (match) resolve(match[1].replace("localhost", "127.0.0.1"));
      });
      child.once("exit", (code) => reject(new Error(`${variant}: exited with code ${code} before listening`)));
    });
    await waitForReady(baseUrl, started + 60_000);
    const startMs = performance.now() - started;
    const rssReadyMiB = rssInMiB(child.pid);
    for (let i = 0; i < 200; i += 1) await (await fetch(`${baseUrl}/healthz`)).arrayBuffer();
    const rssServingMiB = rssInMiB(child.pid);
    return { startMs, rssReadyMiB, rssServingMiB };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Number(values.runs);
if (!existsSync(path.join(repoRoot, "dist/api/src/server.js"))) {
  process.stderr.write("dist/api/src/server.js is missing: run `npm run build` first\n");
  process.exit(2);
}
const results = { dist: [], tsx: [] };
await measureOnce("dist"); // one untimed start of each, so disk caches are warm for both
await measureOnce("tsx");
for (let run = 0; run < runs; run += 1) {
  for (const variant of run % 2 ? ["tsx", "dist"] : ["dist", "tsx"]) results[variant].push(await measureOnce(variant));
}
const row = (variant) => {
  const list = results[variant];
  return {
    startMs: median(list.map((each) => each.startMs)),
    rssReadyMiB: median(list.map((each) => each.rssReadyMiB)),
    rssServingMiB: median(list.map((each) => each.rssServingMiB)),
  };
};
const dist = row("dist");
const tsx = row("tsx");
const lines = [
  `API start (spawn to first 200 from /readyz, embedded in-memory emulator), median of ${runs} runs each, Node ${process.version}`,
  "",
  "| command | start ms | RSS ready MiB | RSS after 200 requests MiB |",
  "|---|---|---|---|",
  `| node dist/api/src/server.js | ${dist.startMs.toFixed(0)} | ${dist.rssReadyMiB.toFixed(1)} | ${dist.rssServingMiB.toFixed(1)} |`,
  `| node --import tsx api/src/server.ts | ${tsx.startMs.toFixed(0)} | ${tsx.rssReadyMiB.toFixed(1)} | ${tsx.rssServingMiB.toFixed(1)} |`,
  `| dist / tsx | ${(dist.startMs / tsx.startMs).toFixed(2)} | ${(dist.rssReadyMiB / tsx.rssReadyMiB).toFixed(2)} | ${(dist.rssServingMiB / tsx.rssServingMiB).toFixed(2)} |`,
];
process.stdout.write(`${lines.join("\n")}\n`);
