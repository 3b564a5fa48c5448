/**
 * Host patterns of the callback allow-list: an exact host name or IP address, or `*.` followed by a domain
 * (any name that ends with `.` + that domain, at any depth, but not the domain itself). Matching is a string
 * comparison on lower-cased names, linear in the host's length: no regular expression is built from
 * configuration or from a caller's URL.
 */
import { isIP } from "node:net";

/** A parsed allow-list entry. */
export type HostPattern =
  /** Exactly this name or address (canonical form: lower case, no trailing dot, IPv6 without brackets). */
  | { readonly kind: "exact"; readonly host: string }
  /** Any name ending in `suffix` (which starts with a dot) and longer than it. */
  | { readonly kind: "suffix"; readonly suffix: string };

/** Longest DNS name (RFC 1035), without the trailing dot. */
const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * The canonical form of a host: lower case, without one trailing dot, IPv6 without brackets and in its
 * shortest form (`::ffff:7f00:1`), IPv4 in dotted decimal. Returns undefined when it is neither a valid IP
 * address nor a valid DNS name (labels of 1-63 letters, digits, `-` or `_`, at most 253 characters).
 */
export function canonicalHost(host: string): string | undefined {
  const unbracketed = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (isIP(unbracketed) === 6) return canonicalIPv6(unbracketed);
  if (isIP(unbracketed) === 4) return unbracketed;
  const name = (unbracketed.endsWith(".") ? unbracketed.slice(0, -1) : unbracketed).toLowerCase();
  if (isIP(name) === 4) return name;
  return isDnsName(name) ? name : undefined;
}

/**
 * Whether `name` (lower case, no trailing dot) is a syntactically valid DNS host name: labels of 1-63 letters,
 * digits, `-` or `_`, not starting or ending with `-`.
 */
function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_HOST_LENGTH) return false;
  for (const label of name.split(".")) {
    if (label.length === 0 || label.length > MAX_LABEL_LENGTH || label.startsWith("-") || label.endsWith("-")) return false;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      const allowed = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d /* - */ || c === 0x5f; /* _ */
      if (!allowed) return false;
    }
  }
  return true;
}

/** The shortest form of an IPv6 address, as the WHATWG URL parser writes it (which also lower-cases it). */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * Parses one allow-list entry: `callback.example.com`, `127.0.0.1`, `::1` (or `[::1]`), or `*.logic.azure.com`.
 * @throws RangeError naming the entry when it is neither (`*` alone, `a.*.b`, `*.` + an IP address, ...).
 */
export function parseHostPattern(entry: string): HostPattern {
  const trimmed = entry.trim();
  if (trimmed.startsWith("*.")) {
    const domain = canonicalHost(trimmed.slice(2));
    if (domain === undefined || isIP(domain) !== 0) throw new RangeError(`Host pattern "${entry}" must be '*.' followed by a domain name.`);
    return { kind: "suffix", suffix: `.${domain}` };
  }
  const host = canonicalHost(trimmed);
  if (host === undefined) throw new RangeError(`Host pattern "${entry}" must be a host name, an IP address, or '*.' followed by a domain name.`);
  return { kind: "exact", host };
}

/**
 * Whether `host` (in canonical form, see {@link canonicalHost}) matches `pattern`. A suffix pattern never
 * matches an IP address.
 */
export function matchesHostPattern(host: string, pattern: HostPattern): boolean {
  if (pattern.kind === "exact") return host === pattern.host;
  return host.length > pattern.suffix.length && host.endsWith(pattern.suffix) && isIP(host) === 0;
}
