/**
 * What kind of IP address a callback would reach: a public unicast address, or one of the kinds a request
 * forger aims at (this host, the private network, link-local, cloud metadata services, ...). Pure functions on
 * the textual address; IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated,
 * IPv4-compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they carry.
 */
import { isIP } from "node:net";

/** The kind of an IP address. Everything but `public` is refused as a callback target. */
export type AddressClass =
  | "public"
  /** 0.0.0.0/8, `::`. */
  | "unspecified"
  /** 127.0.0.0/8, `::1`. */
  | "loopback"
  /** RFC 1918 (10/8, 172.16/12, 192.168/16), unique local fc00::/7, deprecated site-local fec0::/10. */
  | "private"
  /** 169.254/16, fe80::/10. */
  | "link-local"
  /** Shared address space 100.64/10 (RFC 6598). */
  | "carrier-grade-nat"
  /** 224/4, ff00::/8. */
  | "multicast"
  /** 255.255.255.255. */
  | "broadcast"
  /** Cloud metadata and host services: 169.254.169.254, fd00:ec2::254, Azure's wire server 168.63.129.16. */
  | "metadata"
  /** Documentation, benchmarking, protocol-assignment and future-use ranges, and IPv6 outside 2000::/3. */
  | "reserved";

/** A range of IPv4 addresses: the first address as a 32-bit number and the prefix length. */
interface IPv4Range {
  readonly base: number;
  readonly prefixLength: number;
  readonly kind: AddressClass;
}

function ipv4Range(cidr: string, kind: AddressClass): IPv4Range {
  const [address = "", prefixLength = "32"] = cidr.split("/");
  return { base: ipv4ToNumber(address), prefixLength: Number(prefixLength), kind };
}

/** Checked in order: exact addresses before the ranges that contain them. */
const IPV4_RANGES: readonly IPv4Range[] = [
  ipv4Range("169.254.169.254/32", "metadata"),
  ipv4Range("168.63.129.16/32", "metadata"),
  ipv4Range("255.255.255.255/32", "broadcast"),
  ipv4Range("0.0.0.0/8", "unspecified"),
  ipv4Range("10.0.0.0/8", "private"),
  ipv4Range("100.64.0.0/10", "carrier-grade-nat"),
  ipv4Range("127.0.0.0/8", "loopback"),
  ipv4Range("169.254.0.0/16", "link-local"),
  ipv4Range("172.16.0.0/12", "private"),
  ipv4Range("192.0.0.0/24", "reserved"),
  ipv4Range("192.0.2.0/24", "reserved"),
  ipv4Range("192.88.99.0/24", "reserved"),
  ipv4Range("192.168.0.0/16", "private"),
  ipv4Range("198.18.0.0/15", "reserved"),
  ipv4Range("198.51.100.0/24", "reserved"),
  ipv4Range("203.0.113.0/24", "reserved"),
  ipv4Range("224.0.0.0/4", "multicast"),
  ipv4Range("240.0.0.0/4", "reserved"),
];

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function classifyIPv4(value: number): AddressClass {
  for (const range of IPV4_RANGES) {
    const size = 2 ** (32 - range.prefixLength);
    if (value >= range.base && value < range.base + size) return range.kind;
  }
  return "public";
}

/** The eight 16-bit groups of a valid IPv6 address (without zone). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    // An embedded dotted IPv4 address makes the last two groups; keep "::" when it comes right before it.
    const ipv4 = ipv4ToNumber(text.slice(lastColon + 1));
    tail.push(Math.floor(ipv4 / 0x10000), ipv4 % 0x10000);
    text = text[lastColon - 1] === ":" ? text.slice(0, lastColon + 1) : text.slice(0, lastColon);
  }
  const [head = "", rest] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const headGroups = parse(head);
  const restGroups = rest === undefined ? [] : parse(rest);
  const zeros = new Array<number>(8 - headGroups.length - restGroups.length - tail.length).fill(0);
  return [...headGroups, ...zeros, ...restGroups, ...tail];
}

/** The IPv4 address held by groups 6 and 7. */
function embeddedIPv4(groups: readonly number[]): number {
  return (groups[6] ?? 0) * 0x10000 + (groups[7] ?? 0);
}

/** An IPv6 address that carries an IPv4 address is as refused as that address; a public one stays `fallback`. */
function classifyEmbedded(ipv4: number, fallback: AddressClass): AddressClass {
  const kind = classifyIPv4(ipv4);
  return kind === "public" ? fallback : kind;
}

function classifyIPv6(groups: readonly number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 0) return "unspecified";
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 1) return "loopback";
  // ::ffff:a.b.c.d (IPv4-mapped): the socket reaches the IPv4 address itself.
  if (firstFiveZero && g5 === 0xffff) return classifyIPv4(embeddedIPv4(groups));
  // ::ffff:0:a.b.c.d (IPv4-translated) and ::a.b.c.d (IPv4-compatible, deprecated): never a real callback.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return classifyEmbedded(embeddedIPv4(groups), "reserved");
  if (firstFiveZero && g5 === 0) return classifyEmbedded(embeddedIPv4(groups), "reserved");
  // 64:ff9b::/96, the well-known NAT64 prefix: a NAT64 gateway forwards to the IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyEmbedded(embeddedIPv4(groups), "public");
  if (g0 === 0xfd00 && g1 === 0x0ec2 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0 && g7 === 0x254) return "metadata";
  if ((g0 & 0xfe00) === 0xfc00) return "private";
  if ((g0 & 0xffc0) === 0xfe80) return "link-local";
  if ((g0 & 0xffc0) === 0xfec0) return "private";
  if ((g0 & 0xff00) === 0xff00) return "multicast";
  // 2002::/16, 6to4: the IPv4 address is in groups 1 and 2.
  if (g0 === 0x2002) return classifyEmbedded(g1 * 0x10000 + g2, "public");
  // 2001::/23 (IETF protocol assignments, Teredo included), 2001:db8::/32 and 3fff::/20 (documentation).
  if (g0 === 0x2001 && g1 < 0x0200) return "reserved";
  if (g0 === 0x2001 && g1 === 0x0db8) return "reserved";
  if ((g0 & 0xfff0) === 0x3ff0) return "reserved";
  // Only 2000::/3 is global unicast; the rest (64:ff9b:1::/48, 100::/64, unassigned space) is not a callback.
  if ((g0 & 0xe000) !== 0x2000) return "reserved";
  return "public";
}

/**
 * The class of an IP address (`10.1.2.3`, `::ffff:10.1.2.3`, `fe80::1%eth0`).
 * @throws RangeError when `address` is not an IPv4 or IPv6 address.
 */
export function classifyAddress(address: string): AddressClass {
  const zoneStart = address.indexOf("%");
  const bare = zoneStart === -1 ? address : address.slice(0, zoneStart);
  const family = isIP(bare);
  if (family === 4) return classifyIPv4(ipv4ToNumber(bare));
  if (family === 6) return classifyIPv6(ipv6Groups(bare));
  throw new RangeError("Not an IP address.");
}
