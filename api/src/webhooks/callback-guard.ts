/**
 * The check every callback URL passes before the API sends anything to it, so that the API is never a request
 * forger: `https` only, a host on the allow-list, no credentials in the URL, port 443 (unless an exact entry names
 * the host), and a name that resolves only to public addresses (unless an exact entry names the host or address). The addresses it resolved travel with the checked target, and the client
 * connects to them (no second resolution, so no DNS rebinding between the check and the request).
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { inspect } from "node:util";
import { type AddressClass, classifyAddress } from "./address-class.js";
import { DEFAULT_CALLBACK_HOSTS } from "./callback-hosts.js";
import { canonicalHost, matchesHostPattern, parseHostPattern } from "./host-pattern.js";

/** One address a name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses; rejects when it cannot. */
export type CallbackResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** What {@link checkCallbackUrl} allows. */
export interface CallbackPolicy {
  /**
   * Allow-list entries (see `host-pattern.ts`): exact names or addresses, or `*.` suffixes. Default
   * {@link DEFAULT_CALLBACK_HOSTS}. Only an exact entry lets a host (or an address) through the address check, and
   * a host to any port.
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Allows `http`, and any port, to loopback targets (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`) that resolve
   * only to loopback addresses. For the embedded-emulator demo; the loopback host or address must still be on the
   * allow-list as an exact entry.
   */
  readonly allowLoopbackHttp?: boolean;
  /** Name resolution; default `dns.promises.lookup` with `all: true`. */
  readonly resolve?: CallbackResolver;
}

/** Why a callback URL was refused. */
export type CallbackRefusalReason =
  /** Not an absolute URL, longer than {@link MAX_CALLBACK_URL_LENGTH}, or its host is not a valid name. */
  | "invalid-url"
  /** Not `https` (or `http` to a loopback target with `allowLoopbackHttp`). */
  | "scheme"
  /** A user name or password in the URL. */
  | "userinfo"
  /**
   * Port 0, or not 443 for a host allowed by a `*.` entry. A host named by an exact entry, and a loopback target
   * with `allowLoopbackHttp`, may use any port.
   */
  | "port"
  /** The host matches no allow-list entry. */
  | "host-not-allowed"
  /** The name does not resolve (possibly for now: DNS can fail transiently). */
  | "unresolvable"
  /** The name resolves to at least one refused address (loopback, private, link-local, metadata, ...). */
  | "refused-address";

/** A refusal. `detail` is a sentence safe to show the caller: it may name the host, never the whole URL. */
export interface CallbackRefusal {
  readonly ok: false;
  readonly reason: CallbackRefusalReason;
  readonly detail: string;
  /** For `refused-address`: the class of the first refused address. */
  readonly addressClass?: AddressClass;
}

/** The outcome of {@link checkCallbackUrl}. */
export type CallbackCheck = { readonly ok: true; readonly target: CheckedCallback } | CallbackRefusal;

/** The longest callback URL accepted (Power Platform's are a few hundred characters). */
export const MAX_CALLBACK_URL_LENGTH = 4096;
const HTTPS_PORT = 443;

/**
 * A callback URL that passed the check, with the addresses its host resolved to at that time. Its path and query
 * carry the flow's signature, so it never shows them: JSON and `util.inspect` render the origin only.
 */
export class CheckedCallback {
  readonly #path: string;

  /** @internal Built by {@link checkCallbackUrl} only. */
  constructor(
    readonly protocol: "https:" | "http:",
    /** Canonical host: lower case, no trailing dot, IPv6 without brackets. Also the TLS server name and `Host`. */
    readonly hostname: string,
    readonly port: number,
    path: string,
    /** Every address the host resolved to, all allowed; the client connects only to these. */
    readonly addresses: readonly ResolvedAddress[],
  ) {
    this.#path = path;
    Object.freeze(this);
  }

  /** The request target: path and query (secret: it holds the signature). */
  get path(): string {
    return this.#path;
  }

  /** What logs may show: scheme, host and port. */
  toJSON(): { protocol: string; hostname: string; port: number } {
    return { protocol: this.protocol, hostname: this.hostname, port: this.port };
  }

  [inspect.custom](): string {
    return `CheckedCallback ${this.protocol}//${this.hostname}:${this.port}`;
  }
}

/** `dns.promises.lookup` with every address, in the resolver's order. */
export const lookupAllAddresses: CallbackResolver = async (hostname) => {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

function refuse(reason: CallbackRefusalReason, detail: string, addressClass?: AddressClass): CallbackRefusal {
  return addressClass === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, addressClass };
}

function isLoopbackName(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  try {
    return classifyAddress(host) === "loopback";
  } catch {
    return false;
  }
}

/** The canonical form of a resolved address, without an IPv6 zone (`fe80::1%eth0`). */
function canonicalAddress(address: string): string {
  const zoneStart = address.indexOf("%");
  const bare = zoneStart === -1 ? address : address.slice(0, zoneStart);
  return canonicalHost(bare) ?? bare;
}

/**
 * Checks a callback URL against `policy` and resolves its host. Never throws for a bad URL: it answers a
 * refusal naming what is wrong.
 * @throws RangeError when an entry of `policy.allowedHosts` is not a valid host pattern (a configuration error).
 */
export async function checkCallbackUrl(url: string, policy: CallbackPolicy = {}): Promise<CallbackCheck> {
  const patterns = (policy.allowedHosts ?? DEFAULT_CALLBACK_HOSTS).map(parseHostPattern);
  if (url.length > MAX_CALLBACK_URL_LENGTH) return refuse("invalid-url", `The callback URL is longer than ${MAX_CALLBACK_URL_LENGTH} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse("invalid-url", "The callback URL is not an absolute URL.");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return refuse("scheme", "The callback URL must use https.");
  if (parsed.username !== "" || parsed.password !== "") return refuse("userinfo", "The callback URL must not contain a user name or password.");
  const hostname = canonicalHost(parsed.hostname);
  if (hostname === undefined) return refuse("invalid-url", "The callback URL's host is not a valid host name.");
  const matched = patterns.filter((pattern) => matchesHostPattern(hostname, pattern));
  if (matched.length === 0) return refuse("host-not-allowed", `The callback host ${hostname} is not on the allow-list of callback hosts.`);

  const hostNamedExactly = matched.some((pattern) => pattern.kind === "exact");
  const loopbackAllowed = policy.allowLoopbackHttp === true && isLoopbackName(hostname);
  if (parsed.protocol === "http:" && !loopbackAllowed) return refuse("scheme", "The callback URL must use https.");
  const port = parsed.port === "" ? (parsed.protocol === "https:" ? HTTPS_PORT : 80) : Number(parsed.port);
  if (port === 0 || (port !== HTTPS_PORT && !loopbackAllowed && !hostNamedExactly)) return refuse("port", `The callback URL must use port ${HTTPS_PORT}.`);

  let addresses: readonly ResolvedAddress[];
  const family = isIP(hostname);
  if (family === 4 || family === 6) {
    addresses = [{ address: hostname, family }];
  } else {
    try {
      addresses = await (policy.resolve ?? lookupAllAddresses)(hostname);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) return refuse("unresolvable", `The callback host ${hostname} does not resolve.`);
  }

  const exactEntries = new Set(patterns.flatMap((pattern) => (pattern.kind === "exact" ? [pattern.host] : [])));
  const checked: ResolvedAddress[] = [];
  for (const { address } of addresses) {
    let addressClass: AddressClass;
    try {
      addressClass = classifyAddress(address);
    } catch {
      return refuse("unresolvable", `The callback host ${hostname} does not resolve to IP addresses.`);
    }
    if (loopbackAllowed && parsed.protocol === "http:" && addressClass !== "loopback") {
      return refuse("scheme", "The callback URL must use https (http is allowed to loopback addresses only).");
    }
    if (addressClass !== "public" && !hostNamedExactly && !exactEntries.has(canonicalAddress(address))) {
      return refuse("refused-address", `The callback host ${hostname} resolves to a ${addressClass} address, which callbacks may not reach.`, addressClass);
    }
    // The family comes from the address itself, not from what the resolver said.
    checked.push({ address, family: address.includes(":") ? 6 : 4 });
  }
  const protocol = parsed.protocol === "https:" ? "https:" : "http:";
  return { ok: true, target: new CheckedCallback(protocol, hostname, port, `${parsed.pathname}${parsed.search}`, checked) };
}
