import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  type CallbackCheck,
  type CallbackPolicy,
  type CheckedCallback,
  type ResolvedAddress,
  checkCallbackUrl,
} from "../../../../api/src/webhooks/callback-guard.js";

const SIGNATURE = "sig=Q2FsbGJhY2tTaWduYXR1cmU";
const FLOW_PATH = `/workflows/0a1b2c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&${SIGNATURE}`;
const LOGIC_HOST = "prod-27.westeurope.logic.azure.com";
const PUBLIC: ResolvedAddress = { address: "20.50.2.1", family: 4 };

/** A resolver answering `addresses` for every name, recording the names it was asked. */
function resolverOf(...addresses: ResolvedAddress[]): CallbackPolicy["resolve"] & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return addresses;
  };
  return Object.assign(resolve, { asked });
}

function v4(address: string): ResolvedAddress {
  return { address, family: 4 };
}

function v6(address: string): ResolvedAddress {
  return { address, family: 6 };
}

function accepted(check: CallbackCheck): CheckedCallback {
  if (!check.ok) throw new Error(`refused: ${check.reason}: ${check.detail}`);
  return check.target;
}

async function refusal(url: string, policy: CallbackPolicy): Promise<{ reason: string; addressClass?: string; detail: string }> {
  const check = await checkCallbackUrl(url, policy);
  if (check.ok) throw new Error("accepted");
  expect(check.detail).not.toContain(SIGNATURE);
  return { reason: check.reason, detail: check.detail, ...(check.addressClass === undefined ? {} : { addressClass: check.addressClass }) };
}

describe("checkCallbackUrl with the default allow-list", () => {
  it("accepts a Logic Apps callback resolving to public addresses and keeps what it resolved", async () => {
    const resolve = resolverOf(PUBLIC, v6("2a01:111:f100:3000::a83e:1805"));
    const target = accepted(await checkCallbackUrl(`https://${LOGIC_HOST}:443${FLOW_PATH}`, { resolve }));
    expect(target.protocol).toBe("https:");
    expect(target.hostname).toBe(LOGIC_HOST);
    expect(target.port).toBe(443);
    expect(target.path).toBe(FLOW_PATH);
    expect(target.addresses).toEqual([PUBLIC, v6("2a01:111:f100:3000::a83e:1805")]);
    expect(resolve.asked).toEqual([LOGIC_HOST]);
  });

  it("accepts an environment endpoint, with upper case and a trailing dot, as its canonical name", async () => {
    const resolve = resolverOf(PUBLIC);
    const host = "Default3016677C32D54346BA5E7DD46F6662.60.Environment.Api.PowerPlatform.com.";
    const target = accepted(
      await checkCallbackUrl(`https://${host}/powerautomate/automations/direct/workflows/4b/triggers/manual/paths/invoke?${SIGNATURE}`, { resolve }),
    );
    expect(target.hostname).toBe("default3016677c32d54346ba5e7dd46f6662.60.environment.api.powerplatform.com");
    expect(resolve.asked).toEqual([target.hostname]);
  });

  it("refuses other schemes, http included", async () => {
    const resolve = resolverOf(PUBLIC);
    for (const url of [
      `http://${LOGIC_HOST}${FLOW_PATH}`,
      `ftp://${LOGIC_HOST}/x`,
      `wss://${LOGIC_HOST}/x`,
      "javascript:alert(1)",
      "data:text/plain,x",
      "file:///etc/passwd",
    ]) {
      expect((await refusal(url, { resolve })).reason, url).toBe("scheme");
    }
    expect(resolve.asked).toEqual([]);
  });

  it("refuses credentials in the URL", async () => {
    const resolve = resolverOf(PUBLIC);
    expect(await refusal(`https://user:pass@${LOGIC_HOST}${FLOW_PATH}`, { resolve })).toMatchObject({ reason: "userinfo" });
    expect(await refusal(`https://user@${LOGIC_HOST}${FLOW_PATH}`, { resolve })).toMatchObject({ reason: "userinfo" });
  });

  it("refuses ports other than 443", async () => {
    const resolve = resolverOf(PUBLIC);
    for (const port of ["8443", "80", "22", "0"]) {
      expect((await refusal(`https://${LOGIC_HOST}:${port}${FLOW_PATH}`, { resolve })).reason, port).toBe("port");
    }
  });

  it("refuses hosts off the list, look-alikes and IP addresses, naming the host", async () => {
    const resolve = resolverOf(PUBLIC);
    for (const host of [
      "example.com",
      "logic.azure.com",
      `${LOGIC_HOST}.evil.example`,
      "evil-logic.azure.com",
      "20.50.2.1",
      "[2a01:111:f100:3000::a83e:1805]",
      "api.powerplatform.com",
    ]) {
      const refused = await refusal(`https://${host}${FLOW_PATH}`, { resolve });
      expect(refused.reason, host).toBe("host-not-allowed");
    }
    expect((await refusal(`https://Example.COM${FLOW_PATH}`, { resolve })).detail).toContain("example.com");
    expect(resolve.asked).toEqual([]);
  });

  it("refuses what is not a URL, an over-long URL and an invalid host", async () => {
    const resolve = resolverOf(PUBLIC);
    expect((await refusal("not a url", { resolve })).reason).toBe("invalid-url");
    expect((await refusal("/relative/path", { resolve })).reason).toBe("invalid-url");
    expect((await refusal(`https://${LOGIC_HOST}/${"a".repeat(5000)}`, { resolve })).reason).toBe("invalid-url");
    expect((await refusal(`https://a..b.logic.azure.com${FLOW_PATH}`, { resolve })).reason).toBe("invalid-url");
  });
});

describe("checkCallbackUrl, resolved addresses", () => {
  const cases: Array<[string, ResolvedAddress, string]> = [
    ["loopback", v4("127.0.0.1"), "loopback"],
    ["IPv6 loopback", v6("::1"), "loopback"],
    ["a private address", v4("10.1.2.3"), "private"],
    ["a private 172.16/12 address", v4("172.20.0.5"), "private"],
    ["a unique local IPv6 address", v6("fd12:3456::1"), "private"],
    ["a link-local address", v4("169.254.10.10"), "link-local"],
    ["a scoped IPv6 link-local address", v6("fe80::1%eth0"), "link-local"],
    ["the metadata service", v4("169.254.169.254"), "metadata"],
    ["the metadata service, IPv4-mapped", v6("::ffff:169.254.169.254"), "metadata"],
    ["the EC2 metadata service over IPv6", v6("fd00:ec2::254"), "metadata"],
    ["Azure's wire server", v4("168.63.129.16"), "metadata"],
    ["loopback, IPv4-mapped", v6("::ffff:127.0.0.1"), "loopback"],
    ["a CGNAT address", v4("100.64.0.1"), "carrier-grade-nat"],
    ["the unspecified address", v4("0.0.0.0"), "unspecified"],
    ["a multicast address", v4("224.0.0.251"), "multicast"],
  ];

  for (const [name, address, addressClass] of cases) {
    it(`refuses an allowed-looking name resolving to ${name}`, async () => {
      const refused = await refusal(`https://${LOGIC_HOST}${FLOW_PATH}`, { resolve: resolverOf(address) });
      expect(refused).toMatchObject({ reason: "refused-address", addressClass });
      expect(refused.detail).toContain(LOGIC_HOST);
    });
  }

  it("refuses when ANY address is refused, whatever its position", async () => {
    expect((await refusal(`https://${LOGIC_HOST}${FLOW_PATH}`, { resolve: resolverOf(PUBLIC, v4("10.0.0.1")) })).reason).toBe("refused-address");
    expect((await refusal(`https://${LOGIC_HOST}${FLOW_PATH}`, { resolve: resolverOf(v4("10.0.0.1"), PUBLIC) })).reason).toBe("refused-address");
  });

  it("refuses a name that does not resolve, resolves to nothing, or to something that is not an address", async () => {
    const failing = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect((await refusal(`https://${LOGIC_HOST}${FLOW_PATH}`, { resolve: failing })).reason).toBe("unresolvable");
    expect((await refusal(`https://${LOGIC_HOST}${FLOW_PATH}`, { resolve: resolverOf() })).reason).toBe("unresolvable");
    expect((await refusal(`https://${LOGIC_HOST}${FLOW_PATH}`, { resolve: resolverOf(v4("not-an-ip")) })).reason).toBe("unresolvable");
  });

  it("lets an exact allow-list entry name a host whose addresses would be refused, but not a wildcard", async () => {
    const resolve = resolverOf(v4("10.0.0.5"));
    const exact = { allowedHosts: ["callbacks.internal.example"], resolve };
    expect(accepted(await checkCallbackUrl("https://callbacks.internal.example/hook", exact)).addresses).toEqual([v4("10.0.0.5")]);
    const wildcard = { allowedHosts: ["*.internal.example"], resolve };
    expect(await refusal("https://callbacks.internal.example/hook", wildcard)).toMatchObject({ reason: "refused-address", addressClass: "private" });
  });

  it("lets an exact allow-list entry name a refused address, in any spelling, and only that one", async () => {
    const policy = { allowedHosts: ["*.internal.example", "FD12:3456:0::1"], resolve: resolverOf(v6("fd12:3456:0:0:0:0:0:0001")) };
    expect(accepted(await checkCallbackUrl("https://callbacks.internal.example/hook", policy)).hostname).toBe("callbacks.internal.example");
    const other = { ...policy, resolve: resolverOf(v6("fd12:3456::1"), v6("fd12:3456::2")) };
    expect((await refusal("https://callbacks.internal.example/hook", other)).reason).toBe("refused-address");
  });

  it("lets a host named by an exact entry use any port, but not one allowed by a wildcard", async () => {
    const policy = { allowedHosts: ["callbacks.example.com", "*.hooks.example.com"], resolve: resolverOf(PUBLIC) };
    expect(accepted(await checkCallbackUrl("https://callbacks.example.com:8443/hook", policy)).port).toBe(8443);
    expect((await refusal("https://a.hooks.example.com:8443/hook", policy)).reason).toBe("port");
    expect((await refusal("https://callbacks.example.com:0/hook", policy)).reason).toBe("port");
  });

  it("takes each address's family from the address, not from the resolver", async () => {
    const resolve = resolverOf({ address: "2a01:111::1", family: 4 }, { address: "20.50.2.1", family: 6 });
    expect(accepted(await checkCallbackUrl(`https://${LOGIC_HOST}/hook`, { resolve })).addresses).toEqual([v6("2a01:111::1"), PUBLIC]);
  });

  it("checks an IP address host without resolving it", async () => {
    const resolve = resolverOf(PUBLIC);
    expect(accepted(await checkCallbackUrl("https://20.50.2.1/hook", { allowedHosts: ["20.50.2.1"], resolve })).addresses).toEqual([PUBLIC]);
    expect(accepted(await checkCallbackUrl("https://[2a01:111::1]/hook", { allowedHosts: ["2a01:111::1"], resolve })).addresses).toEqual([v6("2a01:111::1")]);
    expect(resolve.asked).toEqual([]);
  });

  it("throws RangeError for an invalid allow-list entry (a configuration error)", async () => {
    await expect(checkCallbackUrl(`https://${LOGIC_HOST}/`, { allowedHosts: ["a.*.com"] })).rejects.toThrow(RangeError);
  });
});

describe("checkCallbackUrl with allowLoopbackHttp", () => {
  const loopbackList = ["localhost", "127.0.0.1", "::1"];

  it("accepts http to a loopback address on the allow-list, on any port", async () => {
    const policy = { allowedHosts: loopbackList, allowLoopbackHttp: true, resolve: resolverOf() };
    const target = accepted(await checkCallbackUrl("http://127.0.0.1:49152/hook?x=1", policy));
    expect(target).toMatchObject({ protocol: "http:", hostname: "127.0.0.1", port: 49152, path: "/hook?x=1", addresses: [v4("127.0.0.1")] });
    expect(accepted(await checkCallbackUrl("http://[::1]:8080/hook", policy)).addresses).toEqual([v6("::1")]);
    // The URL parser reads 2130706433 as 127.0.0.1.
    expect(accepted(await checkCallbackUrl("http://2130706433:8080/hook", policy)).hostname).toBe("127.0.0.1");
    expect(accepted(await checkCallbackUrl("https://127.0.0.1:8443/hook", policy)).port).toBe(8443);
  });

  it("accepts localhost when it resolves to loopback addresses only", async () => {
    const policy = { allowedHosts: loopbackList, allowLoopbackHttp: true, resolve: resolverOf(v4("127.0.0.1"), v6("::1")) };
    expect(accepted(await checkCallbackUrl("http://LOCALHOST.:3000/hook", policy)).hostname).toBe("localhost");
    const lying = { ...policy, resolve: resolverOf(v4("127.0.0.1"), PUBLIC) };
    expect((await refusal("http://localhost:3000/hook", lying)).reason).toBe("scheme");
  });

  it("resolves with the system resolver by default", async () => {
    const target = accepted(await checkCallbackUrl("http://localhost:3000/hook", { allowedHosts: loopbackList, allowLoopbackHttp: true }));
    expect(target.addresses.length).toBeGreaterThan(0);
    expect(target.addresses.every(({ address }) => address === "127.0.0.1" || address === "::1")).toBe(true);
  });

  it("still needs the loopback host on the allow-list", async () => {
    expect((await refusal("http://127.0.0.1:3000/hook", { allowLoopbackHttp: true, resolve: resolverOf() })).reason).toBe("host-not-allowed");
  });

  it("is needed for http to loopback", async () => {
    expect((await refusal("http://127.0.0.1:3000/hook", { allowedHosts: loopbackList, resolve: resolverOf() })).reason).toBe("scheme");
  });

  it("does not open http, other ports or refused addresses to other hosts", async () => {
    const policy = { allowedHosts: [...loopbackList, "*.logic.azure.com"], allowLoopbackHttp: true, resolve: resolverOf(PUBLIC) };
    expect((await refusal(`http://${LOGIC_HOST}${FLOW_PATH}`, policy)).reason).toBe("scheme");
    expect((await refusal(`https://${LOGIC_HOST}:8443${FLOW_PATH}`, policy)).reason).toBe("port");
    const rebinding = { ...policy, resolve: resolverOf(v4("10.0.0.1")) };
    expect((await refusal(`https://${LOGIC_HOST}${FLOW_PATH}`, rebinding)).reason).toBe("refused-address");
  });

  it("refuses port 0", async () => {
    expect((await refusal("http://127.0.0.1:0/hook", { allowedHosts: loopbackList, allowLoopbackHttp: true })).reason).toBe("port");
  });
});

describe("CheckedCallback", () => {
  it("never shows its path and query (the flow's signature) in JSON or util.inspect", async () => {
    const target = accepted(await checkCallbackUrl(`https://${LOGIC_HOST}${FLOW_PATH}`, { resolve: resolverOf(PUBLIC) }));
    expect(JSON.stringify(target)).toBe(JSON.stringify({ protocol: "https:", hostname: LOGIC_HOST, port: 443 }));
    expect(JSON.stringify({ target })).not.toContain(SIGNATURE);
    expect(inspect(target)).not.toContain(SIGNATURE);
    expect(inspect({ nested: { target } }, { depth: 5 })).not.toContain(SIGNATURE);
    expect(String(Object.keys(target))).not.toContain("path");
  });
});
