import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesToUuid, lockTokenToDeliveryTag, uuidToBytes } from "../../../../emulator/src/amqp/lock-token.js";
import { lockTokenOfTag } from "../../../../emulator/src/amqp/link-consumer.js";

/** The example of the .NET GUID byte order: the first three groups are little-endian on the wire. */
const EXAMPLE_TOKEN = "11223344-5566-7788-99aa-bbccddeeff00";
const EXAMPLE_TAG = Buffer.from([0x44, 0x33, 0x22, 0x11, 0x66, 0x55, 0x88, 0x77, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00]);

describe("lock tokens and delivery tags", () => {
  it("turns a lock token into a delivery tag in .NET Guid.ToByteArray() order", () => {
    expect(lockTokenToDeliveryTag(EXAMPLE_TOKEN).equals(EXAMPLE_TAG)).toBe(true);
  });

  it("reads the lock token back out of a delivery tag in .NET order", () => {
    expect(lockTokenOfTag(EXAMPLE_TAG)).toBe(EXAMPLE_TOKEN);
  });

  it("accepts an upper-case token and always produces a lower-case one", () => {
    expect(lockTokenToDeliveryTag(EXAMPLE_TOKEN.toUpperCase()).equals(EXAMPLE_TAG)).toBe(true);
    expect(bytesToUuid(uuidToBytes(EXAMPLE_TOKEN.toUpperCase()))).toBe(EXAMPLE_TOKEN);
  });

  it("keeps the RFC 4122 byte order for the uuids the management node exchanges", () => {
    expect(uuidToBytes(EXAMPLE_TOKEN).toString("hex")).toBe("112233445566778899aabbccddeeff00");
    expect(bytesToUuid(Buffer.from("112233445566778899aabbccddeeff00", "hex"))).toBe(EXAMPLE_TOKEN);
  });

  it("round-trips random tokens through delivery tags and through RFC bytes", () => {
    for (let round = 0; round < 200; round += 1) {
      const token = randomUUID();
      const tag = lockTokenToDeliveryTag(token);
      expect(tag).toHaveLength(16);
      expect(lockTokenOfTag(tag)).toBe(token);
      expect(bytesToUuid(uuidToBytes(token))).toBe(token);
    }
  });

  it("round-trips arbitrary 16-byte delivery tags", () => {
    for (let round = 0; round < 50; round += 1) {
      const tag = Buffer.from(Array.from({ length: 16 }, (_, index) => (round * 31 + index * 17) & 0xff));
      expect(lockTokenToDeliveryTag(lockTokenOfTag(tag)).equals(tag)).toBe(true);
    }
  });

  it("does not reorder the last eight bytes", () => {
    const tag = lockTokenToDeliveryTag("00000000-0000-0000-0102-030405060708");
    expect(tag.subarray(8).toString("hex")).toBe("0102030405060708");
    expect(tag.subarray(0, 8).toString("hex")).toBe("0000000000000000");
  });

  it("accepts a uuid without dashes", () => {
    expect(lockTokenToDeliveryTag("112233445566778899aabbccddeeff00").equals(EXAMPLE_TAG)).toBe(true);
  });

  it("refuses text that is not a uuid", () => {
    expect(() => uuidToBytes("not-a-uuid")).toThrow(TypeError);
    expect(() => uuidToBytes("")).toThrow(TypeError);
    expect(() => uuidToBytes("11223344-5566-7788-99aa-bbccddeeff")).toThrow(TypeError);
    expect(() => uuidToBytes("11223344-5566-7788-99aa-bbccddeeff0011")).toThrow(TypeError);
    expect(() => uuidToBytes("g1223344-5566-7788-99aa-bbccddeeff00")).toThrow(TypeError);
    expect(() => lockTokenToDeliveryTag("11223344-5566-7788-99aa-bbccddeeff0z")).toThrow(/Not a uuid/);
  });

  it("refuses byte strings that are not 16 bytes long", () => {
    expect(() => bytesToUuid(Buffer.alloc(15))).toThrow(TypeError);
    expect(() => bytesToUuid(Buffer.alloc(17))).toThrow(/16 bytes, got 17/);
    expect(() => bytesToUuid(Buffer.alloc(0))).toThrow(TypeError);
    expect(() => lockTokenOfTag(Buffer.from("short"))).toThrow(TypeError);
  });
});
