import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { audienceCovers, audiencePath, verifySasToken } from "../../../../emulator/src/amqp/sas-token.js";
import type { SharedAccessKey } from "../../../../emulator/src/amqp/sas-token.js";

const ROOT: SharedAccessKey = { name: "RootManageSharedAccessKey", key: "SAS_KEY_VALUE" };
const APP: SharedAccessKey = { name: "app", key: "secret" };
const NOW_MS = Date.UTC(2030, 0, 1);
const IN_AN_HOUR = NOW_MS / 1000 + 3600;

/** A token built as the SDK builds it (see sas-token.ts's doc comment). */
function sasToken(audience: string, key: SharedAccessKey, expirySeconds: number): string {
  const sr = encodeURIComponent(audience);
  const sig = encodeURIComponent(createHmac("sha256", key.key).update(`${sr}\n${expirySeconds}`, "utf8").digest("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${expirySeconds}&skn=${key.name}`;
}

function reasonOf(token: string, keys: readonly SharedAccessKey[] = [ROOT]): string {
  const result = verifySasToken(token, keys, NOW_MS);
  if (result.valid) throw new Error("expected the token to be refused");
  return result.reason;
}

describe("verifySasToken", () => {
  it("accepts a token signed with a configured key and reports its key, audience path and expiry", () => {
    const token = sasToken("sb://localhost:5672/Orders", ROOT, IN_AN_HOUR);
    expect(verifySasToken(token, [ROOT], NOW_MS)).toEqual({
      valid: true,
      keyName: "RootManageSharedAccessKey",
      audiencePath: "orders",
      expiresAtMs: IN_AN_HOUR * 1000,
    });
  });

  it("accepts a namespace-wide token with an empty audience path", () => {
    const result = verifySasToken(sasToken("sb://127.0.0.1:5672/", ROOT, IN_AN_HOUR), [ROOT], NOW_MS);
    expect(result.valid && result.audiencePath).toBe("");
  });

  it("finds the key by name among several", () => {
    const result = verifySasToken(sasToken("sb://localhost/", APP, IN_AN_HOUR), [ROOT, APP], NOW_MS);
    expect(result.valid && result.keyName).toBe("app");
  });

  it("accepts the signature whatever its base64 characters are once URL-encoded", () => {
    // Try many expiries so that signatures containing '+', '/' and '=' (all URL-encoded) are covered.
    const seen = new Set<string>();
    for (let offset = 0; offset < 64; offset += 1) {
      const token = sasToken("sb://localhost/q1", ROOT, IN_AN_HOUR + offset);
      for (const char of ["%2B", "%2F", "%3D"]) if (token.includes(char)) seen.add(char);
      expect(verifySasToken(token, [ROOT], NOW_MS).valid).toBe(true);
    }
    expect([...seen].sort()).toEqual(["%2B", "%2F", "%3D"]);
  });

  it("refuses a token signed with the wrong key value", () => {
    const token = sasToken("sb://localhost/", { name: ROOT.name, key: "wrong" }, IN_AN_HOUR);
    expect(reasonOf(token)).toMatch(/signature does not match the key 'RootManageSharedAccessKey'/);
  });

  it("refuses a token whose audience was changed after signing", () => {
    const token = sasToken("sb://localhost/q1", ROOT, IN_AN_HOUR).replace("sr=sb%3A%2F%2Flocalhost%2Fq1", "sr=sb%3A%2F%2Flocalhost%2Fq2");
    expect(token).toContain("q2");
    expect(reasonOf(token)).toMatch(/signature does not match/);
  });

  it("refuses a token whose expiry was extended after signing", () => {
    const token = sasToken("sb://localhost/", ROOT, IN_AN_HOUR).replace(`se=${IN_AN_HOUR}`, `se=${IN_AN_HOUR + 1}`);
    expect(reasonOf(token)).toMatch(/signature does not match/);
  });

  it("refuses a token signed with a key of another name, even with the right key value", () => {
    const token = sasToken("sb://localhost/", { name: "SomeoneElse", key: ROOT.key }, IN_AN_HOUR);
    expect(reasonOf(token)).toMatch(/signature does not match the key 'SomeoneElse'/);
  });

  it("refuses a token signed with a key that only another namespace configures", () => {
    expect(reasonOf(sasToken("sb://localhost/", APP, IN_AN_HOUR), [ROOT])).toMatch(/'app'/);
  });

  it("refuses an expired token, and one that expires exactly now", () => {
    expect(reasonOf(sasToken("sb://localhost/", ROOT, NOW_MS / 1000 - 60))).toMatch(/expired at 2029-12-31T23:59:00.000Z/);
    expect(reasonOf(sasToken("sb://localhost/", ROOT, NOW_MS / 1000))).toMatch(/expired/);
    expect(verifySasToken(sasToken("sb://localhost/", ROOT, NOW_MS / 1000 + 1), [ROOT], NOW_MS).valid).toBe(true);
  });

  it("refuses a token that misses any of sr, sig, se and skn", () => {
    const token = sasToken("sb://localhost/", ROOT, IN_AN_HOUR);
    for (const field of ["sr", "sig", "se", "skn"]) {
      const without = token
        .replace(/^SharedAccessSignature /, "")
        .split("&")
        .filter((part) => !part.startsWith(`${field}=`))
        .join("&");
      expect(reasonOf(`SharedAccessSignature ${without}`), field).toMatch(/must carry sr, sig, se and skn/);
    }
    const emptySignature = token.replace(/sig=[^&]*/, "sig=");
    expect(reasonOf(emptySignature)).toMatch(/must carry/);
  });

  it("refuses text that is not a SharedAccessSignature", () => {
    expect(reasonOf("")).toMatch(/not a SharedAccessSignature/);
    expect(reasonOf("Bearer eyJ0eXAiOiJKV1QifQ")).toMatch(/not a SharedAccessSignature/);
    expect(reasonOf(sasToken("sb://localhost/", ROOT, IN_AN_HOUR).replace("SharedAccessSignature ", "sharedaccesssignature "))).toMatch(
      /not a SharedAccessSignature/,
    );
  });

  it("refuses an expiry that is not a whole number of seconds", () => {
    const token = sasToken("sb://localhost/", ROOT, IN_AN_HOUR);
    expect(reasonOf(token.replace(`se=${IN_AN_HOUR}`, `se=${IN_AN_HOUR}.5`))).toMatch(/expiry \(se\) is not a number/);
    expect(reasonOf(token.replace(`se=${IN_AN_HOUR}`, "se=tomorrow"))).toMatch(/expiry \(se\) is not a number/);
  });

  it("refuses, without throwing, a signature or audience that is not valid URL-encoding", () => {
    const token = sasToken("sb://localhost/", ROOT, IN_AN_HOUR);
    expect(verifySasToken(token.replace(/sig=[^&]*/, "sig=%E0%A4%A"), [ROOT], NOW_MS).valid).toBe(false);
    // A correctly signed audience that does not URL-decode.
    const badAudience = "sb%3A%2F%2Flocalhost%2F%E0%A4%A";
    const sig = encodeURIComponent(createHmac("sha256", ROOT.key).update(`${badAudience}\n${IN_AN_HOUR}`).digest("base64"));
    const result = verifySasToken(`SharedAccessSignature sr=${badAudience}&sig=${sig}&se=${IN_AN_HOUR}&skn=${ROOT.name}`, [ROOT], NOW_MS);
    expect(result).toEqual({ valid: false, reason: "The token's audience (sr) is not URL-encoded text." });
  });

  it("does not depend on the order of the fields", () => {
    const token = sasToken("sb://localhost/q1", ROOT, IN_AN_HOUR);
    const parts = token
      .replace(/^SharedAccessSignature /, "")
      .split("&")
      .reverse();
    const result = verifySasToken(`SharedAccessSignature ${parts.join("&")}`, [ROOT], NOW_MS);
    expect(result.valid && result.audiencePath).toBe("q1");
  });
});

describe("audiencePath", () => {
  it("takes the entity path of an audience URI, lower-cased, without slashes at the ends", () => {
    expect(audiencePath("sb://localhost:5672/Orders/")).toBe("orders");
    expect(audiencePath("sb://127.0.0.1:5672/q1")).toBe("q1");
    expect(audiencePath("amqps://ns.servicebus.windows.net/Topic.1/Subscriptions/Sub.1")).toBe("topic.1/subscriptions/sub.1");
    expect(audiencePath("sb://localhost/orders/$management")).toBe("orders/$management");
    expect(audiencePath("http://localhost//orders//")).toBe("orders");
  });

  it("gives an empty path for the namespace itself", () => {
    expect(audiencePath("sb://127.0.0.1:5672/")).toBe("");
    expect(audiencePath("sb://127.0.0.1:5672")).toBe("");
    expect(audiencePath("sb://[::1]:5672/")).toBe("");
  });

  it("treats text without a scheme as a path", () => {
    expect(audiencePath("/Orders/")).toBe("orders");
    expect(audiencePath("orders")).toBe("orders");
  });
});

describe("audienceCovers", () => {
  it("lets a namespace-wide token cover every address", () => {
    for (const address of ["q1", "q2/$management", "topic/Subscriptions/s/$DeadLetterQueue", ""]) {
      expect(audienceCovers("", address)).toBe(true);
    }
  });

  it("lets an entity token cover the entity and everything under it, whatever the case and slashes", () => {
    expect(audienceCovers("q1", "q1")).toBe(true);
    expect(audienceCovers("q1", "Q1")).toBe(true);
    expect(audienceCovers("q1", "/q1/")).toBe(true);
    expect(audienceCovers("q1", "q1/$management")).toBe(true);
    expect(audienceCovers("q1", "q1/$DeadLetterQueue")).toBe(true);
    expect(audienceCovers("topic", "Topic/Subscriptions/sub")).toBe(true);
  });

  it("does not let an entity token cover another entity, a name it is a prefix of, or its parent", () => {
    expect(audienceCovers("q1", "q2")).toBe(false);
    expect(audienceCovers("q1", "q10")).toBe(false);
    expect(audienceCovers("q1", "q1-dlq")).toBe(false);
    expect(audienceCovers("q1", "")).toBe(false);
    expect(audienceCovers("topic/subscriptions/a", "topic")).toBe(false);
    expect(audienceCovers("topic/subscriptions/a", "topic/subscriptions/b")).toBe(false);
  });
});
