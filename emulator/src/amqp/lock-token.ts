/**
 * Lock tokens travel in two byte orders. A delivery tag carries the token in .NET `Guid.ToByteArray()` order
 * (the SDK reorders it back), while the management node exchanges tokens as AMQP uuids in RFC 4122 order.
 */

const GUID_BYTE_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15] as const;

/** RFC 4122 bytes of a canonical uuid string. */
export function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new TypeError(`Not a uuid: ${uuid}`);
  }
  return Buffer.from(hex, "hex");
}

/** Canonical lower-case uuid string of 16 RFC 4122 bytes. */
export function bytesToUuid(bytes: Buffer): string {
  if (bytes.length !== 16) {
    throw new TypeError(`A uuid has 16 bytes, got ${bytes.length}`);
  }
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16-byte delivery tag that makes the SDK report `lockToken` as the given uuid. */
export function lockTokenToDeliveryTag(lockToken: string): Buffer {
  const rfc = uuidToBytes(lockToken);
  return Buffer.from(GUID_BYTE_ORDER.map((index) => rfc[index] as number));
}
