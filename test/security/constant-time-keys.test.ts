/**
 * Keys are compared in constant time: the auth module hashes the presented key and compares fixed-length
 * SHA-256 digests with `crypto.timingSafeEqual`, against every configured key, whatever the key's
 * length and whichever record matches. This checks the mechanism (which calls are made, with what),
 * not wall-clock timing, which would be flaky on a shared machine.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

const compared = vi.hoisted(() => ({ calls: [] as Array<[Buffer, Buffer]> }));

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
      compared.calls.push([Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const { findApiKey, hashApiKey } = await import("../../api/src/auth/api-keys.js");
import type { ApiKeyRecord } from "../../api/src/auth/api-keys.js";

const RECORDS: ApiKeyRecord[] = ["first-key", "second-key", "third-key"].map((key, index) => ({
  name: `key-${index}`,
  sha256: hashApiKey(key),
  scopes: ["send"],
  entities: ["*"],
}));

describe("security: API keys are compared in constant time", () => {
  afterEach(() => {
    compared.calls.length = 0;
  });

  it("compares 32-byte SHA-256 digests with timingSafeEqual, never the key text", () => {
    for (const presented of ["k", "first-key", "wrong", "x".repeat(1024)]) {
      compared.calls.length = 0;
      findApiKey(RECORDS, presented);
      expect(compared.calls.length, presented.slice(0, 10)).toBe(RECORDS.length);
      const digest = hashApiKey(presented);
      const stored = RECORDS.map((record) => record.sha256);
      for (const [a, b] of compared.calls) {
        expect(a.length).toBe(32);
        expect(b.length).toBe(32);
        // One side is a configured digest, the other the presented key's digest.
        const sides = [a.toString("hex"), b.toString("hex")];
        expect(sides).toContain(digest);
        expect(stored).toContain(sides.find((side) => side !== digest) ?? digest);
      }
    }
  });

  it("compares against every configured key whichever one matches, so timing does not tell which matched", () => {
    const counts = ["first-key", "second-key", "third-key", "none-of-them"].map((presented) => {
      compared.calls.length = 0;
      const found = findApiKey(RECORDS, presented);
      return { presented, found: found?.name, calls: compared.calls.length };
    });
    expect(counts).toEqual([
      { presented: "first-key", found: "key-0", calls: 3 },
      { presented: "second-key", found: "key-1", calls: 3 },
      { presented: "third-key", found: "key-2", calls: 3 },
      { presented: "none-of-them", found: undefined, calls: 3 },
    ]);
  });

  it("finds no key for a missing, empty or over-long key without comparing anything", () => {
    for (const presented of [undefined, "", "y".repeat(1025)]) {
      expect(findApiKey(RECORDS, presented)).toBeUndefined();
    }
    expect(compared.calls).toEqual([]);
  });
});
