import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateApiKey } from "./demo.js";

/**
 * The demo API key of the embedded-emulator mode: kept in `<dataDir>/demo-api-key` (owner-only) so it
 * survives restarts along with the emulator's data; a fresh one per start when nothing persists.
 */
export function demoApiKey(dataDir: string | undefined): string {
  if (dataDir === undefined) return generateApiKey();
  const file = path.join(dataDir, "demo-api-key");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // No key yet: create one below.
  }
  const key = generateApiKey();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
