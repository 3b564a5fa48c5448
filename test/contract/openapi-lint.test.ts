/**
 * Third-party linting: Redocly CLI's `recommended` ruleset on the OpenAPI document the running API serves
 * and on the connector's Swagger 2.0 definition. Any error fails, and so does any warning but the one
 * kind kept on purpose (no licence). Runs offline: the CLI from node_modules, telemetry and update
 * checks off.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiInstance } from "../helpers/api-fixture.js";
import type { ApiInstance } from "../helpers/api-fixture.js";
import { REPO_ROOT } from "./connector-fixture.js";

const run = promisify(execFile);
const REDOCLY_CLI = path.join(path.dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin", "cli.js");

/** One problem of `redocly lint --format=json`. */
interface RedoclyProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: Array<{ source: { ref: string }; pointer: string }>;
}

/** Lints one file with Redocly's recommended rules; returns every problem. */
async function redoclyLint(file: string): Promise<RedoclyProblem[]> {
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };
  // The CLI exits 1 when it finds errors; its JSON report is on stdout either way.
  const { stdout } = await run(process.execPath, [REDOCLY_CLI, "lint", "--extends=recommended", "--format=json", file], {
    env,
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`redocly lint did not report: ${error.stderr ?? String(error)}`);
    return { stdout: error.stdout };
  });
  return (JSON.parse(stdout) as { problems: RedoclyProblem[] }).problems;
}

const describeProblem = (problem: RedoclyProblem) =>
  `${problem.ruleId} at ${problem.location[0]?.source.ref ?? "?"}${problem.location[0]?.pointer ?? ""}: ${problem.message}`;

describe("Redocly CLI (recommended rules)", () => {
  let api: ApiInstance;
  let dir: string;
  let served: { servers?: unknown };
  let servedFile: string;

  beforeAll(async () => {
    // /openapi.json needs no Service Bus: an unreachable namespace keeps the test light.
    api = await startApiInstance("Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;");
    dir = await mkdtemp(path.join(tmpdir(), "openapi-lint-"));
    const response = await fetch(`${api.baseUrl}/openapi.json`);
    served = (await response.json()) as { servers?: unknown };
    servedFile = path.join(dir, "openapi.json");
    await writeFile(servedFile, JSON.stringify(served, null, 2));
  });
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("finds the origin the request came to as the served document's server", () => {
    expect(served.servers).toEqual([{ url: api.baseUrl }]);
  });

  it("finds no error in the served /openapi.json or in apiDefinition.swagger.json", async () => {
    const problems = [...(await redoclyLint(servedFile)), ...(await redoclyLint(path.join(REPO_ROOT, "apiDefinition.swagger.json")))];
    expect(problems.filter((problem) => problem.severity === "error").map(describeProblem)).toEqual([]);
    // Warnings are only the kept kind: no licence, which is the owner's choice to make, not the code's.
    // Tags have descriptions and every connector operation declares its 4xx responses.
    expect([...new Set(problems.map((problem) => problem.ruleId))]).toEqual(["info-license"]);
  }, 120_000);
});
