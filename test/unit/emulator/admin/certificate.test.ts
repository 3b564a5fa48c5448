import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CERTIFICATE_FILE_NAMES, createSelfSignedCertificate, loadOrCreateCertificate } from "../../../../emulator/src/admin/certificate.js";
import { derObjectIdentifier, derTime, derUnsignedInteger } from "../../../../emulator/src/admin/der.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "admin-cert-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("createSelfSignedCertificate", () => {
  it("makes a self-signed CA certificate for localhost, 127.0.0.1 and ::1 that matches its key", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const { key, cert } = createSelfSignedCertificate({ now });
    const certificate = new X509Certificate(cert);
    expect(certificate.subject).toBe("CN=localhost");
    expect(certificate.issuer).toBe("CN=localhost");
    expect(certificate.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(certificate.checkHost("localhost")).toBe("localhost");
    expect(certificate.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(certificate.checkIP("::1")).toBe("::1");
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(new Date(certificate.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(new Date(certificate.validTo).getUTCFullYear()).toBe(2034);
  });

  it("takes other hosts, including IPv6 addresses", () => {
    const { cert } = createSelfSignedCertificate({ hosts: ["emulator.test", "10.1.2.3", "fe80::1:2", "::ffff:127.0.0.1"] });
    expect(new X509Certificate(cert).subjectAltName).toBe(
      "DNS:emulator.test, IP Address:10.1.2.3, IP Address:FE80:0:0:0:0:0:1:2, IP Address:0:0:0:0:0:FFFF:7F00:1",
    );
  });
});

describe("loadOrCreateCertificate", () => {
  it("stores a new certificate in the folder and reuses it on the next start", () => {
    const dir = join(tempDir(), "nested");
    const first = loadOrCreateCertificate(dir);
    expect(readFileSync(join(dir, CERTIFICATE_FILE_NAMES.cert), "utf8")).toBe(first.cert);
    expect(statSync(join(dir, CERTIFICATE_FILE_NAMES.key)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateCertificate(dir)).toEqual(first);
  });

  it("uses a key and certificate placed in the folder", () => {
    const dir = tempDir();
    const own = createSelfSignedCertificate({ hosts: ["mine.test"] });
    writeFileSync(join(dir, CERTIFICATE_FILE_NAMES.key), own.key);
    writeFileSync(join(dir, CERTIFICATE_FILE_NAMES.cert), own.cert);
    expect(loadOrCreateCertificate(dir)).toEqual(own);
  });

  it("replaces a certificate that is about to expire, unreadable, or not for the stored key", () => {
    const dir = tempDir();
    const old = loadOrCreateCertificate(dir, new Date("2020-01-01T00:00:00Z"));
    const renewed = loadOrCreateCertificate(dir, new Date("2024-12-30T00:00:00Z"));
    expect(renewed.cert).not.toBe(old.cert);
    writeFileSync(join(dir, CERTIFICATE_FILE_NAMES.cert), "not a certificate");
    expect(loadOrCreateCertificate(dir).cert).toContain("BEGIN CERTIFICATE");
    writeFileSync(join(dir, CERTIFICATE_FILE_NAMES.key), createSelfSignedCertificate().key);
    const replaced = loadOrCreateCertificate(dir);
    expect(new X509Certificate(replaced.cert).checkPrivateKey(createPrivateKey(replaced.key))).toBe(true);
  });

  it("makes a fresh certificate every time without a folder", () => {
    expect(loadOrCreateCertificate().cert).not.toBe(loadOrCreateCertificate().cert);
  });
});

describe("der", () => {
  it("encodes OIDs, integers and times as DER", () => {
    expect(derObjectIdentifier("1.2.840.10045.4.3.2").toString("hex")).toBe("06082a8648ce3d040302");
    expect(derUnsignedInteger(Buffer.from([0x00, 0x80])).toString("hex")).toBe("02020080");
    expect(derUnsignedInteger(Buffer.from([0x00, 0x00, 0x05])).toString("hex")).toBe("020105");
    expect(derTime(new Date("2030-01-02T03:04:05Z")).toString("ascii").slice(2)).toBe("300102030405Z");
    expect(derTime(new Date("2050-01-02T03:04:05Z"))[0]).toBe(0x18);
  });
});
