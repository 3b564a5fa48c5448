/** Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and sums self time by function and by file. */
import { readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, idle included. */
  readonly totalMs: number;
  /** Sampled time that was not idle; shares are of this. */
  readonly busyMs: number;
  readonly functions: readonly SelfTime[];
  readonly files: readonly SelfTime[];
}

/** A short location: "emulator/src/store/sqlite-store.ts", "node_modules/rhea/lib/session.js", "node:net". */
function shortUrl(url: string, root: string): string {
  if (!url) return "";
  let file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  if (file.startsWith(root)) file = path.relative(root, file);
  const modules = file.lastIndexOf("node_modules/");
  return modules >= 0 ? file.slice(modules) : file;
}

/** Self time per function (name + file + line) and per file, largest first. */
const NOT_BUSY = new Set(["(idle)"]);

/**
 * Self time per function (name + file) and per file, largest first, counting only samples taken at or after
 * `fromUs` (µs, the profile's own clock) so that start-up can be left out. Shares are of the busy (non-idle)
 * time. Line numbers are left out: for TypeScript run through tsx they point into the transformed code.
 */
export function summarizeCpuProfile(file: string, root: string, top = 25, fromUs = 0): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let index = 0; index < samples.length; index += 1) {
    const id = samples[index];
    at += deltas[index] ?? 0;
    if (id === undefined || at < fromUs) continue;
    // timeDeltas[i] is the time since the previous sample; the next delta is the time spent in this one.
    const us = deltas[index + 1] ?? deltas[index] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, us));
  }
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    if (!NOT_BUSY.has(frame.functionName)) busy += us;
    const location = shortUrl(frame.url, root);
    const name = location ? `${frame.functionName || "(anonymous)"} (${location})` : frame.functionName || "(anonymous)";
    functions.set(name, (functions.get(name) ?? 0) + us);
    const fileKey = location || frame.functionName || "(anonymous)";
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const rank = (map: Map<string, number>): SelfTime[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 && !NOT_BUSY.has(name) ? us / busy : Number.NaN }));
  return { totalMs: total / 1000, busyMs: busy / 1000, functions: rank(functions), files: rank(files) };
}
