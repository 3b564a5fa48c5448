import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AddressClass, classifyAddress } from "../../../../api/src/webhooks/address-class.js";

function expectClass(kind: AddressClass, addresses: readonly string[]): void {
  for (const address of addresses) expect(classifyAddress(address), address).toBe(kind);
}

describe("classifyAddress, IPv4", () => {
  it("finds public unicast addresses public, up to the edges of the refused ranges", () => {
    expectClass("public", ["8.8.8.8", "20.50.2.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0"]);
    expectClass("public", ["169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255"]);
    expectClass("public", ["168.63.129.15", "168.63.129.17", "1.1.1.1"]);
  });

  it("refuses this network, loopback and the private ranges", () => {
    expectClass("unspecified", ["0.0.0.0", "0.1.2.3", "0.255.255.255"]);
    expectClass("loopback", ["127.0.0.1", "127.0.0.0", "127.255.255.255", "127.1.2.3"]);
    expectClass("private", ["10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0", "192.168.255.255"]);
  });

  it("refuses link-local, carrier-grade NAT, multicast and broadcast", () => {
    expectClass("link-local", ["169.254.0.0", "169.254.1.1", "169.254.255.255", "169.254.169.253"]);
    expectClass("carrier-grade-nat", ["100.64.0.0", "100.127.255.255", "100.100.100.200"]);
    expectClass("multicast", ["224.0.0.1", "239.255.255.255"]);
    expectClass("broadcast", ["255.255.255.255"]);
  });

  it("names the cloud metadata services and Azure's wire server", () => {
    expectClass("metadata", ["169.254.169.254", "168.63.129.16"]);
  });

  it("refuses documentation, benchmarking, protocol and future-use ranges", () => {
    expectClass("reserved", [
      "192.0.0.8",
      "192.0.2.1",
      "198.51.100.7",
      "203.0.113.9",
      "198.18.0.1",
      "198.19.255.255",
      "192.88.99.1",
      "240.0.0.1",
      "255.255.255.254",
    ]);
  });
});

describe("classifyAddress, IPv6", () => {
  it("finds global unicast public", () => {
    expectClass("public", ["2620:1ec:bdf::1", "2a01:111:f100:3000::a83e:1805", "2001:4860:4860::8888", "2001:200::1"]);
  });

  it("refuses unspecified, loopback, unique local, link-local and multicast", () => {
    expectClass("unspecified", ["::", "0:0:0:0:0:0:0:0"]);
    expectClass("loopback", ["::1", "0:0:0:0:0:0:0:1"]);
    expectClass("private", ["fc00::1", "fd12:3456:789a::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::1"]);
    expectClass("link-local", ["fe80::1", "febf::1", "fe80::1%eth0", "FE80::ABCD%25"]);
    expectClass("multicast", ["ff02::1", "ff05::1:3"]);
  });

  it("names the EC2 metadata service's IPv6 address", () => {
    expectClass("metadata", ["fd00:ec2::254", "fd00:0ec2:0:0:0:0:0:254"]);
    expectClass("private", ["fd00:ec2::253"]);
  });

  it("judges IPv4-mapped addresses (dotted or hex) by the IPv4 address they carry", () => {
    expectClass("loopback", ["::ffff:127.0.0.1", "::ffff:7f00:1", "::FFFF:127.1.2.3", "0:0:0:0:0:ffff:7f00:0001"]);
    expectClass("private", ["::ffff:10.0.0.1", "::ffff:192.168.1.1", "::ffff:ac10:1"]);
    expectClass("metadata", ["::ffff:169.254.169.254", "::ffff:a9fe:a9fe", "::ffff:168.63.129.16"]);
    expectClass("link-local", ["::ffff:169.254.1.1"]);
    expectClass("carrier-grade-nat", ["::ffff:100.64.0.1"]);
    expectClass("unspecified", ["::ffff:0.0.0.0"]);
    expectClass("public", ["::ffff:8.8.8.8", "::ffff:808:808"]);
  });

  it("refuses IPv4-compatible and IPv4-translated forms, naming what they carry", () => {
    expectClass("loopback", ["::127.0.0.1", "::ffff:0:127.0.0.1"]);
    expectClass("metadata", ["::169.254.169.254"]);
    expectClass("reserved", ["::8.8.8.8", "::ffff:0:8.8.8.8"]);
  });

  it("judges NAT64 and 6to4 addresses by the IPv4 address they carry", () => {
    expectClass("loopback", ["64:ff9b::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1"]);
    expectClass("metadata", ["64:ff9b::169.254.169.254", "2002:a9fe:a9fe::"]);
    expectClass("private", ["64:ff9b::10.1.2.3", "2002:c0a8:101::1"]);
    expectClass("public", ["64:ff9b::8.8.8.8", "2002:808:808::1"]);
  });

  it("refuses documentation, Teredo, discard and everything outside 2000::/3", () => {
    expectClass("reserved", [
      "2001:db8::1",
      "2001:0:4136:e378:8000:63bf:3fff:fdd2",
      "2001:2::1",
      "3fff::1",
      "100::1",
      "64:ff9b:1::1",
      "4000::1",
      "::1:0:0:1",
      "1::1",
    ]);
  });
});

describe("classifyAddress, not an address", () => {
  it("throws RangeError for names and malformed addresses", () => {
    for (const bad of ["localhost", "", "1.2.3", "1.2.3.256", "::g", "[::1]", "%eth0"]) {
      expect(() => classifyAddress(bad), bad).toThrow(RangeError);
    }
  });
});

describe("classifyAddress, every spelling of an address", () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join("."));
  const groups = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 });

  it("classifies an IPv4 address and its IPv4-mapped IPv6 forms (dotted and hex) alike", () => {
    fc.assert(
      fc.property(ipv4, (address) => {
        const [a = 0, b = 0, c = 0, d = 0] = address.split(".").map(Number);
        const hex = `::ffff:${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
        const kind = classifyAddress(address);
        expect(classifyAddress(`::ffff:${address}`)).toBe(kind);
        expect(classifyAddress(hex)).toBe(kind);
        expect(classifyAddress(`0:0:0:0:0:FFFF:${address}`)).toBe(kind);
      }),
    );
  });

  it("classifies an IPv6 address written in full and in its shortest form alike", () => {
    fc.assert(
      fc.property(groups, fc.nat(8), fc.nat(8), (values, zeroFrom, zeroCount) => {
        // Runs of zero groups make "::" compression happen.
        const withZeros = values.map((value, index) => (index >= zeroFrom && index < zeroFrom + zeroCount ? 0 : value));
        const full = withZeros.map((value) => value.toString(16).padStart(4, "0")).join(":");
        const shortest = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        expect(classifyAddress(shortest), `${full} / ${shortest}`).toBe(classifyAddress(full));
      }),
    );
  });
});
