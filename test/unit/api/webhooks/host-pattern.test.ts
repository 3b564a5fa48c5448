import { describe, expect, it } from "vitest";
import { DEFAULT_CALLBACK_HOSTS } from "../../../../api/src/webhooks/callback-hosts.js";
import { canonicalHost, matchesHostPattern, parseHostPattern } from "../../../../api/src/webhooks/host-pattern.js";

describe("canonicalHost", () => {
  it("lower-cases names and drops one trailing dot", () => {
    expect(canonicalHost("Prod-27.WestEurope.Logic.Azure.com.")).toBe("prod-27.westeurope.logic.azure.com");
    expect(canonicalHost("localhost")).toBe("localhost");
  });

  it("writes IP addresses in one form, with or without brackets", () => {
    expect(canonicalHost("[::1]")).toBe("::1");
    expect(canonicalHost("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(canonicalHost("::FFFF:127.0.0.1")).toBe("::ffff:7f00:1");
    expect(canonicalHost("127.0.0.1")).toBe("127.0.0.1");
    expect(canonicalHost("127.0.0.1.")).toBe("127.0.0.1");
  });

  it("refuses what is not a host name", () => {
    for (const bad of ["", ".", "a..b", "a.b..", "-", "-a.com", "a-.com", "a b", "a/b", "a:b", "é.com", `${"a".repeat(64)}.com`, `${"a.".repeat(127)}ab`]) {
      expect(canonicalHost(bad), bad).toBeUndefined();
    }
    expect(canonicalHost(`${"a".repeat(63)}.com`)).toBe(`${"a".repeat(63)}.com`);
  });
});

describe("parseHostPattern", () => {
  it("reads exact names, addresses and *. suffixes", () => {
    expect(parseHostPattern("Callback.Example.com")).toEqual({ kind: "exact", host: "callback.example.com" });
    expect(parseHostPattern("[::1]")).toEqual({ kind: "exact", host: "::1" });
    expect(parseHostPattern(" 127.0.0.1 ")).toEqual({ kind: "exact", host: "127.0.0.1" });
    expect(parseHostPattern("*.Logic.Azure.com")).toEqual({ kind: "suffix", suffix: ".logic.azure.com" });
  });

  it("refuses wildcards anywhere but a leading '*.', and suffixes of addresses", () => {
    for (const bad of ["*", "*.", "**.a.com", "*a.com", "a.*.com", "a.com*", "*.*.com", "*.10.0.0.1", "*.[::1]", "", "https://a.com"]) {
      expect(() => parseHostPattern(bad), bad).toThrow(RangeError);
    }
  });
});

describe("matchesHostPattern", () => {
  const logic = parseHostPattern("*.logic.azure.com");

  it("matches a suffix at any depth but not the domain itself nor a look-alike", () => {
    expect(matchesHostPattern("prod-27.westeurope.logic.azure.com", logic)).toBe(true);
    expect(matchesHostPattern("a.logic.azure.com", logic)).toBe(true);
    expect(matchesHostPattern("logic.azure.com", logic)).toBe(false);
    expect(matchesHostPattern("evillogic.azure.com", logic)).toBe(false);
    expect(matchesHostPattern("a.logic.azure.com.evil.example", logic)).toBe(false);
  });

  it("matches an exact entry only exactly", () => {
    const exact = parseHostPattern("callback.example.com");
    expect(matchesHostPattern("callback.example.com", exact)).toBe(true);
    expect(matchesHostPattern("a.callback.example.com", exact)).toBe(false);
  });

  it("runs in time linear in the host's length (a long hostile host is compared once)", () => {
    const host = `${"a.".repeat(100_000)}logic.azure.co`;
    expect(matchesHostPattern(host, logic)).toBe(false);
  });
});

describe("DEFAULT_CALLBACK_HOSTS", () => {
  const patterns = DEFAULT_CALLBACK_HOSTS.map(parseHostPattern);
  const allowed = (host: string) => patterns.some((pattern) => matchesHostPattern(canonicalHost(host)!, pattern));

  it("are all valid *. suffix patterns", () => {
    expect(patterns.every((pattern) => pattern.kind === "suffix")).toBe(true);
  });

  it("allow the classic Logic Apps hosts and the environment endpoints of every cloud", () => {
    expect(allowed("prod-27.westeurope.logic.azure.com")).toBe(true);
    expect(allowed("prod-01.usgovvirginia.logic.azure.us")).toBe(true);
    expect(allowed("prod-00.chinaeast2.logic.azure.cn")).toBe(true);
    expect(allowed("default3016677c32d54346ba5e7dd46f6662.60.environment.api.powerplatform.com")).toBe(true);
    expect(allowed("f3479ae949c40ecb110d7d82a1729e2.3.environment.api.gov.powerplatform.microsoft.us")).toBe(true);
    expect(allowed("e81e6cf434da48b8ab34c42317e9b43.4.environment.api.high.powerplatform.microsoft.us")).toBe(true);
    expect(allowed("e81e6cf434da48b8ab34c42317e9b43.4.environment.api.appsplatform.us")).toBe(true);
    expect(allowed("e81e6cf434da48b8ab34c42317e9b43.4.environment.api.powerplatform.partner.microsoftonline.cn")).toBe(true);
  });

  it("allow nothing else", () => {
    expect(allowed("api.powerplatform.com")).toBe(false);
    expect(allowed("x.api.powerplatform.com")).toBe(false);
    expect(allowed("environment.api.powerplatform.com")).toBe(false);
    expect(allowed("logic.azure.com")).toBe(false);
    expect(allowed("example.com")).toBe(false);
    expect(allowed("169.254.169.254")).toBe(false);
    expect(allowed("localhost")).toBe(false);
  });
});
