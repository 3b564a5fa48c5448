/**
 * The key callback URLs are sealed with (webhooks/callback-seal.ts). Every instance must have the same one:
 * `WEBHOOK_CALLBACK_KEY`, 32 bytes in base64 or base64url. In the embedded-emulator demo without it, one is made
 * and kept in `<dataDir>/webhook-callback-key` (owner-only), like the demo API key.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { CALLBACK_KEY_BYTES } from "../webhooks/callback-seal.js";
import { ConfigError } from "./config-error.js";

/** The key `WEBHOOK_CALLBACK_KEY` gives, or undefined when it is not set. @throws ConfigError when it is not 32 bytes of base64. */
export function callbackKeyFromEnv(value: string | undefined): Buffer | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new ConfigError("WEBHOOK_CALLBACK_KEY", "must be base64 (or base64url)");
  const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.byteLength !== CALLBACK_KEY_BYTES) {
    throw new ConfigError("WEBHOOK_CALLBACK_KEY", `must be ${CALLBACK_KEY_BYTES} bytes (got ${key.byteLength}); make one with: openssl rand -base64 32`);
  }
  return key;
}

/** The demo's key: kept in `<dataDir>/webhook-callback-key` so sealed URLs open after a restart; a fresh one when nothing persists. */
export function demoCallbackKey(dataDir: string | undefined): Buffer {
  if (dataDir === undefined) return randomBytes(CALLBACK_KEY_BYTES);
  const file = path.join(dataDir, "webhook-callback-key");
  try {
    const existing = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
    if (existing.byteLength === CALLBACK_KEY_BYTES) return existing;
  } catch {
    // No key yet: create one below.
  }
  const key = randomBytes(CALLBACK_KEY_BYTES);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
