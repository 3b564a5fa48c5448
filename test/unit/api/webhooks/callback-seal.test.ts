import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CALLBACK_KEY_BYTES, CallbackSeal, CallbackSealError } from "../../../../api/src/webhooks/callback-seal.js";

const URL_WITH_SIGNATURE = "https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/run?api-version=2016-06-01&sig=s3cr3t-signature";

describe("CallbackSeal", () => {
  const seal = new CallbackSeal(randomBytes(CALLBACK_KEY_BYTES));

  it("seals a URL so that neither it nor its signature shows, and opens it for the same subscription", () => {
    const sealed = seal.seal(URL_WITH_SIGNATURE, "sub-1");
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("s3cr3t");
    expect(sealed).not.toContain("logic.azure.com");
    expect(seal.open(sealed, "sub-1")).toBe(URL_WITH_SIGNATURE);
  });

  it("seals the same URL differently each time (a fresh IV)", () => {
    expect(seal.seal(URL_WITH_SIGNATURE, "sub-1")).not.toBe(seal.seal(URL_WITH_SIGNATURE, "sub-1"));
  });

  it("does not open a sealed URL moved to another subscription, sealed with another key, or altered", () => {
    const sealed = seal.seal(URL_WITH_SIGNATURE, "sub-1");
    expect(() => seal.open(sealed, "sub-2")).toThrow(CallbackSealError);
    expect(() => new CallbackSeal(randomBytes(CALLBACK_KEY_BYTES)).open(sealed, "sub-1")).toThrow(CallbackSealError);
    const [version, iv, body] = sealed.split(".") as [string, string, string];
    const flipped = Buffer.from(body, "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => seal.open(`${version}.${iv}.${flipped.toString("base64url")}`, "sub-1")).toThrow(CallbackSealError);
  });

  it("refuses text that is not a sealed URL with the same error, and a key of the wrong length", () => {
    for (const text of ["", "v1", "v1.a.b", "v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAA", "v1.x.y.z", URL_WITH_SIGNATURE]) {
      expect(() => seal.open(text, "sub-1"), text).toThrow(CallbackSealError);
    }
    expect(() => new CallbackSeal(randomBytes(16))).toThrow(RangeError);
  });
});
