/**
 * Reads the repository's Dockerfile into stages of instructions, so the image-steps test performs the steps the
 * file really lists (and fails when the file gains a step the test does not know how to perform).
 */

/** One instruction, with its line continuations joined. */
export interface Instruction {
  keyword: string;
  /** The rest of the line after the keyword. */
  args: string;
}

/** A build stage (`FROM image AS name`). */
export interface Stage {
  name: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, in order; comments and parser directives are dropped. */
export function readDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (pending === "" && (line.trim() === "" || line.trimStart().startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line.trim()}`);
    pending = "";
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = (match[1] ?? "").toUpperCase();
    const args = match[2] ?? "";
    if (keyword === "FROM") {
      const name = /\bAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages.length);
      stages.push({ name, instructions: [] });
      continue;
    }
    if (keyword === "ARG" && stages.length === 0) continue;
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${keyword} before the first FROM`);
    stage.instructions.push({ keyword, args });
  }
  return stages;
}

/** `COPY [--from=stage] src... dest`. */
export function copyArgs(args: string): { from?: string; sources: string[]; destination: string } {
  const words = args.split(/\s+/).filter(Boolean);
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  const unknown = flags.filter((flag) => !flag.startsWith("--from="));
  if (unknown.length > 0) throw new Error(`COPY ${args}: the test does not know ${unknown.join(", ")}`);
  const from = flags.find((flag) => flag.startsWith("--from="))?.slice("--from=".length);
  const destination = paths.pop();
  if (destination === undefined || paths.length === 0) throw new Error(`COPY ${args}: needs sources and a destination`);
  return { ...(from ? { from } : {}), sources: paths, destination };
}

/** `ENV A=1 B=2` (the key=value form only). */
export function envArgs(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of args.split(/\s+/).filter(Boolean)) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new Error(`ENV ${args}: use the KEY=value form`);
    env[pair.slice(0, equals)] = pair.slice(equals + 1).replace(/^"(.*)"$/, "$1");
  }
  return env;
}

/** `CMD ["node", "..."]` (the exec form only: the shell form would put a shell between SIGTERM and Node). */
export function execForm(keyword: string, args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === "string")) throw new Error(`${keyword} ${args}: use the exec form`);
  return parsed as string[];
}
