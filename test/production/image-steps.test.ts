/**
 * What the container image would run, without a container engine: performs the Dockerfile's steps stage by stage in
 * temporary folders (each stage's WORKDIR /app is a folder of its own), with the same commands (`npm ci`, the build,
 * `npm ci --omit=dev` in a fresh folder), assembles the runtime stage from what its COPY lines name, then starts its
 * CMD with its ENV and checks /readyz, and that SIGTERM stops it cleanly. A step the test does not know how to
 * perform fails it, so the Dockerfile and this test cannot drift apart.
 * Slow (two installs, one of which compiles better-sqlite3 when no prebuilt binary can be downloaded).
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/child-processes.js";
import { copyArgs, envArgs, execForm, readDockerfile } from "./dockerfile.js";
import type { Stage } from "./dockerfile.js";

const WORKDIR = "/app";
const STEP_TIMEOUT_IN_MS = 15 * 60_000;
const work = mkdtempSync(path.join(tmpdir(), "sbb-image-"));

afterAll(() => rm(work, { recursive: true, force: true }), 300_000);

/** A path inside a stage's /app, as a folder of the test. */
function inStage(stageDir: string, containerPath: string): string {
  const absolute = path.posix.resolve(WORKDIR, containerPath);
  if (absolute !== WORKDIR && !absolute.startsWith(`${WORKDIR}/`)) throw new Error(`${containerPath} is outside ${WORKDIR}`);
  return path.join(stageDir, path.posix.relative(WORKDIR, absolute));
}

/** Docker's COPY: a folder's contents go to the destination; files go into it when it ends in "/" or there are several. */
function copyInto(sources: string[], destination: string, intoFolder: boolean): void {
  for (const source of sources) {
    const target = statSync(source).isDirectory()
      ? destination
      : intoFolder || sources.length > 1
        ? path.join(destination, path.basename(source))
        : destination;
    cpSync(source, target, { recursive: true });
  }
}

/** Runs one `RUN` line: npm commands as they are; the system-package and folder steps that have no effect here are checked, then skipped. */
function run(stageDir: string, command: string): void {
  const parts = command.split("&&").map((part) => part.trim());
  if (parts[0]?.startsWith("npm ")) {
    const result = spawnSync("sh", ["-c", command], {
      cwd: stageDir,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      // The same commands; only the cache preference differs (a container build starts with an empty cache).
      env: { ...process.env, npm_config_prefer_offline: "true", npm_config_loglevel: "error" },
    });
    if (result.status !== 0) throw new Error(`RUN ${command} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    return;
  }
  for (const part of parts) {
    if (/^apt-get (update|install -y --no-install-recommends python3 make g\+\+)$/.test(part) || part === "rm -rf /var/lib/apt/lists/*") continue; // this machine has the build tools
    const folder = /^mkdir -p (\S+)$/.exec(part)?.[1];
    if (folder !== undefined) {
      mkdirSync(inStage(stageDir, folder), { recursive: true });
      continue;
    }
    if (/^chown \S+ \S+$/.test(part)) continue; // the test runs as its own user
    throw new Error(`RUN ${command}: the image-steps test does not know how to perform '${part}'`);
  }
}

interface Runtime {
  dir: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
  user: string | undefined;
}

function performStages(stages: Stage[]): Runtime {
  const dirs = new Map<string, string>();
  let last: Runtime | undefined;
  for (const stage of stages) {
    const dir = path.join(work, stage.name);
    mkdirSync(dir, { recursive: true });
    dirs.set(stage.name, dir);
    const runtime: Runtime = { dir, env: {}, cmd: [], healthcheck: [], user: undefined };
    for (const { keyword, args } of stage.instructions) {
      if (keyword === "WORKDIR") expect(args).toBe(WORKDIR);
      else if (keyword === "COPY") {
        const copy = copyArgs(args);
        const from = copy.from === undefined ? undefined : dirs.get(copy.from);
        if (copy.from !== undefined && from === undefined) throw new Error(`COPY --from=${copy.from}: no such earlier stage`);
        const sources = copy.sources.map((source) => (from === undefined ? path.join(REPO_ROOT, source) : inStage(from, source)));
        copyInto(sources, inStage(dir, copy.destination), copy.destination.endsWith("/"));
      } else if (keyword === "RUN") run(dir, args);
      else if (keyword === "ENV") Object.assign(runtime.env, envArgs(args));
      else if (keyword === "USER") runtime.user = args;
      else if (keyword === "CMD") runtime.cmd = execForm(keyword, args);
      else if (keyword === "HEALTHCHECK") {
        const command = /\bCMD\s+(\[.*\])$/.exec(args)?.[1];
        if (command === undefined) throw new Error(`HEALTHCHECK ${args}: use CMD in the exec form`);
        runtime.healthcheck = execForm(keyword, command);
      } else if (keyword !== "EXPOSE") throw new Error(`${keyword} ${args}: the image-steps test does not know this instruction`);
    }
    last = runtime;
  }
  if (!last) throw new Error("the Dockerfile has no stage");
  return last;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the container image's steps (Dockerfile)", () => {
  it("build the compiled API, which serves /readyz with production dependencies only and stops cleanly on SIGTERM", {
    timeout: STEP_TIMEOUT_IN_MS,
  }, async () => {
    const stages = readDockerfile(readFileSync(path.join(REPO_ROOT, "Dockerfile"), "utf8"));
    expect(stages.map((stage) => stage.name)).toEqual(["build", "production-dependencies", "runtime"]);
    const runtime = performStages(stages);

    expect(runtime.user, "the runtime stage runs as a non-root user").toBeDefined();
    expect(["root", "0"]).not.toContain(runtime.user);
    expect(runtime.cmd).toEqual(["node", "dist/api/src/server.js"]);
    // Production dependencies only: the compiler, tsx and the test tools are absent and cannot be resolved.
    const resolveFromRuntime = createRequire(path.join(runtime.dir, "package.json")).resolve;
    for (const devOnly of ["typescript", "tsx", "vitest"]) {
      expect(existsSync(path.join(runtime.dir, "node_modules", devOnly)), devOnly).toBe(false);
      expect(() => resolveFromRuntime(devOnly), devOnly).toThrow();
    }
    expect(existsSync(path.join(runtime.dir, "api")), "no TypeScript sources in the runtime stage").toBe(false);

    const port = await freePort();
    const [command, ...args] = runtime.cmd;
    const child = spawn(command === "node" ? process.execPath : String(command), args, {
      cwd: runtime.dir,
      stdio: ["ignore", "pipe", "pipe"],
      // The image's ENV; loopback instead of 0.0.0.0 on this machine, and the embedded emulator in memory.
      env: {
        PATH: process.env["PATH"] ?? "",
        ...runtime.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: inStage(runtime.dir, runtime.env["DATA_DIR"] ?? "data"),
        EMULATOR_IN_MEMORY: "true",
        LOG_LEVEL: "warn",
      },
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line within 60 s:\n${output}`)), 60_000);
        child.stdout.on("data", () => {
          if (output.includes(`listening on http://127.0.0.1:${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        });
        void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
      });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status, output).toBe(200);
      // The image's HEALTHCHECK command, as the container engine would run it inside the container.
      const [checkCommand, ...checkArgs] = runtime.healthcheck;
      expect(checkCommand).toBe("node");
      const check = spawnSync(process.execPath, checkArgs, {
        cwd: runtime.dir,
        env: { PATH: process.env["PATH"] ?? "", PORT: String(port) },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(check.status, check.stderr).toBe(0);
      child.kill("SIGTERM");
      expect(await exited, output).toBe(0);
      // And it reports a stopped server as unhealthy.
      const after = spawnSync(process.execPath, checkArgs, {
        cwd: runtime.dir,
        env: { PATH: process.env["PATH"] ?? "", PORT: String(port) },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(after.status).toBe(1);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
