/**
 * The TLS certificate of the management API. `ServiceBusAdministrationClient` only speaks HTTPS, so the emulator
 * needs a certificate that clients can trust: a self-signed one for `localhost`, `127.0.0.1` and `::1`, made with
 * `node:crypto` (an ECDSA P-256 key, the X.509 structure written by `der.ts`). Stored in the data folder, it stays
 * the same across restarts, so a client trusts it once (`tlsOptions: { ca }` or `NODE_EXTRA_CA_CERTS`).
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIPv4, isIPv6 } from "node:net";
import { join } from "node:path";
import {
  derBitString,
  derBoolean,
  derExplicit,
  derImplicitPrimitive,
  derObjectIdentifier,
  derOctetString,
  derSequence,
  derSet,
  derSmallInteger,
  derTime,
  derUnsignedInteger,
  derUtf8String,
} from "./der.js";

/** A PEM private key and certificate, as `https.createServer` and `startAdminServer` take them. */
export interface TlsCertificate {
  readonly key: string;
  readonly cert: string;
}

/** Options of {@link createSelfSignedCertificate}. */
export interface SelfSignedCertificateOptions {
  /** Host names and IP addresses the certificate is valid for; defaults to localhost, 127.0.0.1 and ::1. */
  readonly hosts?: readonly string[];
  /** Days of validity from `now`; defaults to 5 years. */
  readonly validDays?: number;
  readonly now?: Date;
}

/** File names of the key and certificate in the data folder. */
export const CERTIFICATE_FILE_NAMES = { key: "admin-tls-key.pem", cert: "admin-tls-cert.pem" } as const;

const DEFAULT_HOSTS = ["localhost", "127.0.0.1", "::1"];
const DAY_MS = 24 * 60 * 60 * 1000;
/** A stored certificate closer than this to its expiry is replaced. */
const RENEW_BEFORE_MS = 7 * DAY_MS;

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
};

/**
 * The certificate for the management API. With `dir`, the key and certificate stored there
 * ({@link CERTIFICATE_FILE_NAMES}) are used when they belong together and are valid for at least another week;
 * otherwise a new self-signed pair is made and stored (the key readable by the owner only). Put your own PEM
 * files under those names to use them instead. Without `dir`, a new pair is made every time.
 *
 * @throws Error when `dir` cannot be created or written.
 */
export function loadOrCreateCertificate(dir?: string, now: Date = new Date()): TlsCertificate {
  if (dir === undefined) return createSelfSignedCertificate({ now });
  const keyPath = join(dir, CERTIFICATE_FILE_NAMES.key);
  const certPath = join(dir, CERTIFICATE_FILE_NAMES.cert);
  if (existsSync(keyPath) && existsSync(certPath)) {
    const stored = { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
    if (isUsable(stored, now)) return stored;
  }
  const created = createSelfSignedCertificate({ now });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, created.key, { mode: 0o600 });
  chmodSync(keyPath, 0o600); // The mode above applies only when the file is new.
  writeFileSync(certPath, created.cert);
  return created;
}

/** Makes a self-signed certificate (usable as its own CA) for `hosts`, with a new ECDSA P-256 key. */
export function createSelfSignedCertificate(options: SelfSignedCertificateOptions = {}): TlsCertificate {
  const now = options.now ?? new Date();
  const hosts = options.hosts ?? DEFAULT_HOSTS;
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const subjectPublicKeyInfo = publicKey.export({ type: "spki", format: "der" });
  const keyIdentifier = createHash("sha1").update(subjectPublicKeyInfo).digest();
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01; // Positive, and 16 bytes long.
  const algorithm = derSequence(derObjectIdentifier(OID.ecdsaWithSha256));
  const name = derSequence(derSet(derSequence(derObjectIdentifier(OID.commonName), derUtf8String(hosts[0] ?? "localhost"))));
  const tbsCertificate = derSequence(
    derExplicit(0, derSmallInteger(2)), // X.509 v3
    derUnsignedInteger(serial),
    algorithm,
    name,
    derSequence(derTime(new Date(now.getTime() - 60 * 60 * 1000)), derTime(new Date(now.getTime() + (options.validDays ?? 5 * 365) * DAY_MS))),
    name,
    subjectPublicKeyInfo,
    derExplicit(
      3,
      derSequence(
        extension(OID.basicConstraints, true, derSequence(derBoolean(true))),
        // digitalSignature (bit 0) and keyCertSign (bit 5): 1000 0100, the last two bits unused.
        extension(OID.keyUsage, true, derBitString(Buffer.from([0x84]), 2)),
        extension(OID.extKeyUsage, false, derSequence(derObjectIdentifier(OID.serverAuth))),
        extension(OID.subjectAltName, false, derSequence(...hosts.map(subjectAltName))),
        extension(OID.subjectKeyIdentifier, false, derOctetString(keyIdentifier)),
        extension(OID.authorityKeyIdentifier, false, derSequence(derImplicitPrimitive(0, keyIdentifier))),
      ),
    ),
  );
  const signature = sign("sha256", tbsCertificate, privateKey);
  const certificate = derSequence(tbsCertificate, algorithm, derBitString(signature));
  return {
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    cert: toPem("CERTIFICATE", certificate),
  };
}

/** Whether a stored pair parses, belongs together and is valid from now for at least {@link RENEW_BEFORE_MS}. */
function isUsable(stored: TlsCertificate, now: Date): boolean {
  try {
    const certificate = new X509Certificate(stored.cert);
    const validFrom = new Date(certificate.validFrom).getTime();
    const validTo = new Date(certificate.validTo).getTime();
    return certificate.checkPrivateKey(createPrivateKey(stored.key)) && validFrom <= now.getTime() && validTo - now.getTime() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? derSequence(derObjectIdentifier(oid), derBoolean(true), derOctetString(value))
    : derSequence(derObjectIdentifier(oid), derOctetString(value));
}

/** A `GeneralName`: `iPAddress [7]` for addresses, `dNSName [2]` for host names. */
function subjectAltName(host: string): Buffer {
  if (isIPv4(host)) return derImplicitPrimitive(7, Buffer.from(host.split(".").map(Number)));
  if (isIPv6(host)) return derImplicitPrimitive(7, ipv6Bytes(host));
  return derImplicitPrimitive(2, Buffer.from(host, "ascii"));
}

/** The 16 bytes of an IPv6 address (`::1`, `fe80::1`, `::ffff:127.0.0.1`). */
function ipv6Bytes(address: string): Buffer {
  let text = address;
  const embeddedIPv4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (embeddedIPv4 !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = embeddedIPv4.split(".").map(Number);
    text = `${text.slice(0, -embeddedIPv4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16), index * 2));
  return bytes;
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
