import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../api/src/config/config-error.js";
import { callbackKeyFromEnv, demoCallbackKey } from "../../../../api/src/config/webhook-callback-key.js";

describe("the webhook callback key", () => {
  it("reads 32 bytes of base64 or base64url from WEBHOOK_CALLBACK_KEY, and nothing when unset", () => {
    const key = randomBytes(32);
    expect(callbackKeyFromEnv(key.toString("base64"))).toEqual(key);
    expect(callbackKeyFromEnv(key.toString("base64url"))).toEqual(key);
    expect(callbackKeyFromEnv(undefined)).toBeUndefined();
    expect(callbackKeyFromEnv("  ")).toBeUndefined();
  });

  it("refuses a key of another length or not base64, naming the variable and never echoing the value", () => {
    for (const value of [randomBytes(16).toString("base64"), "not base64!", randomBytes(33).toString("base64")]) {
      const error = (() => {
        try {
          callbackKeyFromEnv(value);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(String((error as Error).message)).toContain("WEBHOOK_CALLBACK_KEY");
      expect(String((error as Error).message)).not.toContain(value);
    }
  });

  it("keeps the demo's key in the data folder, owner-only, and reads it back after a restart", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "callback-key-"));
    const first = demoCallbackKey(dir);
    expect(first.byteLength).toBe(32);
    expect(demoCallbackKey(dir)).toEqual(first);
    const file = path.join(dir, "webhook-callback-key");
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64")).toEqual(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(demoCallbackKey(undefined)).not.toEqual(demoCallbackKey(undefined));
  });
});
