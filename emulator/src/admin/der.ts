/**
 * Just enough ASN.1 DER encoding to build an X.509 certificate (see `certificate.ts`): definite lengths,
 * universal types by tag, and context-specific tags.
 */

/** A tag-length-value. */
export function derTlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** SEQUENCE of already-encoded elements. */
export function derSequence(...elements: Uint8Array[]): Buffer {
  return derTlv(0x30, Buffer.concat(elements));
}

/** SET of already-encoded elements (DER order is the caller's: we only ever use sets of one). */
export function derSet(...elements: Uint8Array[]): Buffer {
  return derTlv(0x31, Buffer.concat(elements));
}

/** A non-negative INTEGER from its big-endian bytes (a 0x00 is prepended when the high bit is set). */
export function derUnsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = Buffer.from(bytes.subarray(start));
  const first = trimmed[0] ?? 0;
  return derTlv(0x02, first & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** A small non-negative INTEGER. */
export function derSmallInteger(value: number): Buffer {
  return derUnsignedInteger(Buffer.from([value]));
}

/** BOOLEAN. */
export function derBoolean(value: boolean): Buffer {
  return derTlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

/** OBJECT IDENTIFIER from dotted text (`2.5.4.3`). */
export function derObjectIdentifier(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const [first = 0, second = 0, ...rest] = parts;
  const bytes: number[] = [first * 40 + second];
  for (const part of rest) {
    const base128: number[] = [];
    let value = part;
    do {
      base128.unshift(value & 0x7f);
      value = Math.floor(value / 128);
    } while (value > 0);
    bytes.push(...base128.map((byte, index) => (index < base128.length - 1 ? byte | 0x80 : byte)));
  }
  return derTlv(0x06, Buffer.from(bytes));
}

/** UTF8String. */
export function derUtf8String(text: string): Buffer {
  return derTlv(0x0c, Buffer.from(text, "utf8"));
}

/** OCTET STRING. */
export function derOctetString(content: Uint8Array): Buffer {
  return derTlv(0x04, content);
}

/** BIT STRING with `unusedBits` unused bits in its last byte. */
export function derBitString(content: Uint8Array, unusedBits = 0): Buffer {
  return derTlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
}

/** A certificate validity time: UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5). */
export function derTime(time: Date): Buffer {
  const iso = time.toISOString(); // 2025-01-31T12:34:56.789Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, ""); // 20250131123456
  return time.getUTCFullYear() < 2050 ? derTlv(0x17, Buffer.from(`${digits.slice(2)}Z`, "ascii")) : derTlv(0x18, Buffer.from(`${digits}Z`, "ascii"));
}

/** A context-specific, constructed, explicit tag `[n]` around an encoded element. */
export function derExplicit(tagNumber: number, element: Uint8Array): Buffer {
  return derTlv(0xa0 | tagNumber, element);
}

/** A context-specific, primitive, implicit tag `[n]` with raw content. */
export function derImplicitPrimitive(tagNumber: number, content: Uint8Array): Buffer {
  return derTlv(0x80 | tagNumber, content);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let value = length; value > 0; value = Math.floor(value / 256)) bytes.unshift(value & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
