/** What the numbers were measured on, read at run time. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function run(command: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5_000 }).trim();
  } catch {
    return undefined;
  }
}

function packageVersion(name: string): string {
  try {
    const file = path.resolve("node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "?";
  } catch {
    return "?";
  }
}

/** `free -h`'s Mem line, reduced to total and available. */
function memory(): string {
  const free = run("free", ["-h"]);
  const mem = free?.split("\n").find((line) => line.startsWith("Mem:"));
  const fields = mem?.split(/\s+/);
  if (fields && fields.length >= 7) return `${fields[1]} total, ${fields[6]} available (free -h)`;
  return `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB total (os.totalmem)`;
}

export interface MachineInfo {
  readonly lines: readonly string[];
}

/** Lines describing the machine, software versions and load, for the report header. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  const commit = run("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = run("git", ["status", "--porcelain"]);
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" / ");
  return {
    lines: [
      `- cores: ${run("nproc", []) ?? String(cpus.length)} (nproc), ${cpus[0]?.model.trim() ?? "unknown CPU"}`,
      `- memory: ${memory()}`,
      `- node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}`,
      `- @azure/service-bus ${packageVersion("@azure/service-bus")}, rhea ${packageVersion("rhea")}, better-sqlite3 ${packageVersion("better-sqlite3")}`,
      `- commit: ${commit ?? "unknown"}${dirty ? " (work tree has uncommitted changes)" : ""}`,
      `- load average at start (1/5/15 min): ${load}`,
    ],
  };
}

/** The 1-minute load average now, to show whether something else was using the CPU during the run. */
export function loadAverageNow(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" / ");
}
