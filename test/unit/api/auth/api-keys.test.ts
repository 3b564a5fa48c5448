import { describe, expect, it } from "vitest";
import { findApiKey, hasScopes, hashApiKey } from "../../../../api/src/auth/api-keys.js";
import type { ApiKeyRecord } from "../../../../api/src/auth/api-keys.js";
import { allowListCovers } from "../../../../api/src/config/exposed-entities.js";

const records: ApiKeyRecord[] = [
  { name: "old", sha256: hashApiKey("key-old"), scopes: ["send"], entities: ["*"] },
  { name: "new", sha256: hashApiKey("key-new"), scopes: ["send", "listen"], entities: ["orders", "events/billing"] },
];

describe("API keys", () => {
  it("stores SHA-256 hex digests", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("finds any of several keys (rotation) and nothing for wrong or missing keys", () => {
    expect(findApiKey(records, "key-old")?.name).toBe("old");
    expect(findApiKey(records, "key-new")?.name).toBe("new");
    expect(findApiKey(records, "key-other")).toBeUndefined();
    expect(findApiKey(records, "")).toBeUndefined();
    expect(findApiKey(records, undefined)).toBeUndefined();
  });

  it("checks scopes", () => {
    expect(hasScopes(records[1] as ApiKeyRecord, ["listen", "send"])).toBe(true);
    expect(hasScopes(records[0] as ApiKeyRecord, ["listen"])).toBe(false);
  });

  it("applies entity allow-lists: names, topic/subscription, topic covering its subscriptions, and *", () => {
    expect(allowListCovers(["Orders"], { kind: "queue", queue: "orders" })).toBe(true);
    expect(allowListCovers(["orders"], { kind: "queue", queue: "other" })).toBe(false);
    expect(allowListCovers(["events/billing"], { kind: "subscription", topic: "events", subscription: "billing" })).toBe(true);
    expect(allowListCovers(["events/billing"], { kind: "subscription", topic: "events", subscription: "audit" })).toBe(false);
    expect(allowListCovers(["events"], { kind: "subscription", topic: "events", subscription: "audit" })).toBe(true);
    expect(allowListCovers(["*"], { kind: "topic", topic: "anything" })).toBe(true);
  });
});
