import { describe, expect, it } from "vitest";
import rhea from "rhea";
import type { Message } from "rhea";
import type { BrokerMessage, IncomingMessage } from "../../../../emulator/src/broker/broker-message.js";
import {
  BATCH_MESSAGE_FORMAT,
  decodeBatch,
  decodeIncomingMessage,
  encodeStoredMessage,
  mergeApplicationProperties,
} from "../../../../emulator/src/amqp/message-codec.js";

const { message: amqp, types } = rhea;

/** A message as rhea decodes it, with the header and section fields the typings leave loose. */
type Decoded = Message & {
  durable?: boolean;
  priority?: number;
  ttl?: number;
  first_acquirer?: boolean;
  delivery_count?: number;
  delivery_annotations?: Record<string, unknown>;
  footer?: Record<string, unknown>;
};

function encode(message: Record<string, unknown>): Buffer {
  return amqp.encode(message);
}

function decode(bytes: Buffer): Decoded {
  return amqp.decode(bytes) as unknown as Decoded;
}

function field(message: Decoded, name: string): unknown {
  return (message as unknown as Record<string, unknown>)[name];
}

const ENQUEUED_MS = Date.UTC(2030, 0, 1, 12, 0, 0);

/** The broker's record of an accepted message, as the queue would hold it. */
function brokerMessage(incoming: IncomingMessage, overrides: Partial<BrokerMessage> = {}): BrokerMessage {
  return {
    sequenceNumber: 17,
    enqueuedTimeMs: ENQUEUED_MS,
    state: "active",
    deliveryCount: 0,
    timeToLiveInMs: incoming.timeToLiveInMs ?? Number.POSITIVE_INFINITY,
    scheduledEnqueueTimeMs: incoming.scheduledEnqueueTimeMs,
    messageId: incoming.messageId,
    sessionId: incoming.sessionId,
    deadLetterSource: undefined,
    content: incoming.content,
    lock: undefined,
    ...overrides,
  };
}

/** Send, store, deliver: what a receiver gets back for a message a client sent. */
function roundTrip(sent: Record<string, unknown>, overrides: Partial<BrokerMessage> = {}, lockedUntilMs?: number): Decoded {
  const incoming = decodeIncomingMessage(encode(sent));
  return decode(encodeStoredMessage(brokerMessage(incoming, overrides), { lockedUntilMs }));
}

const ALL_PROPERTIES = {
  message_id: "order-1",
  user_id: Buffer.from("user"),
  to: "billing",
  subject: "OrderSubmitted",
  reply_to: "replies",
  correlation_id: "corr-1",
  content_type: "application/json",
  content_encoding: "utf-8",
  absolute_expiry_time: new Date(1_900_000_000_000),
  creation_time: new Date(1_700_000_000_000),
  group_id: "session-1",
  group_sequence: 3,
  reply_to_group_id: "reply-session",
};

describe("decodeIncomingMessage and encodeStoredMessage", () => {
  it("round-trips every property, application property and the body", () => {
    const received = roundTrip({
      ...ALL_PROPERTIES,
      application_properties: {
        text: "x",
        integer: 42,
        negative: -7,
        flag: true,
        nothing: null,
        when: new Date(1_600_000_000_000),
        long: types.wrap_long(2 ** 40),
      },
      body: amqp.data_section(Buffer.from("hello")),
    });
    for (const [name, value] of Object.entries(ALL_PROPERTIES)) {
      expect(field(received, name), name).toEqual(value);
    }
    expect(received.application_properties).toEqual({
      text: "x",
      integer: 42,
      negative: -7,
      flag: true,
      nothing: null,
      when: new Date(1_600_000_000_000),
      long: 2 ** 40,
    });
    const body = received.body as { typecode: number; content: Buffer };
    expect(body.typecode).toBe(0x75);
    expect(body.content).toEqual(Buffer.from("hello"));
  });

  it("keeps the encoded sections byte for byte, so every AMQP type survives", () => {
    const sent = encode({
      message_id: types.wrap_ulong(12345),
      correlation_id: types.wrap_uuid(Buffer.from("00112233445566778899aabbccddeeff", "hex")),
      application_properties: {
        long: types.wrap_long(5),
        short: types.wrap_short(-2),
        ubyte: types.wrap_ubyte(200),
        float: types.wrap_float(1.5),
        symbol: types.wrap_symbol("sym"),
        binary: Buffer.from([1, 2]),
      },
      body: amqp.data_section(Buffer.from([0, 1, 2, 255])),
    });
    const incoming = decodeIncomingMessage(sent);
    const delivered = encodeStoredMessage(brokerMessage(incoming));
    for (const section of [incoming.content.properties, incoming.content.applicationProperties, incoming.content.body]) {
      expect(section.length).toBeGreaterThan(0);
      expect(sent.includes(section)).toBe(true);
      expect(delivered.includes(section)).toBe(true);
    }
    // properties, application-properties and body, in that order, end both messages.
    const tail = Buffer.concat([incoming.content.properties, incoming.content.applicationProperties, incoming.content.body]);
    expect(delivered.subarray(delivered.length - tail.length).equals(tail)).toBe(true);
    expect(sent.subarray(sent.length - tail.length).equals(tail)).toBe(true);
    const received = decode(delivered);
    expect(received.message_id).toBe(12345);
    expect(received.application_properties).toEqual({ long: 5, short: -2, ubyte: 200, float: 1.5, symbol: "sym", binary: Buffer.from([1, 2]) });
  });

  it("round-trips string, value, sequence and multi-section data bodies", () => {
    expect(roundTrip({ message_id: "m", body: "plain text" }).body).toBe("plain text");
    expect(roundTrip({ message_id: "m", body: { nested: [1, "two"] } }).body).toEqual({ nested: [1, "two"] });
    const sequence = roundTrip({ message_id: "m", body: amqp.sequence_section([[1, 2], ["a"]]) }).body as { typecode: number; content: unknown };
    expect(sequence.typecode).toBe(0x76);
    expect(sequence.content).toEqual([[1, 2], ["a"]]);
    const sections = roundTrip({ message_id: "m", body: amqp.data_sections([Buffer.from("a"), Buffer.from("b")]) }).body as {
      typecode: number;
      content: unknown;
      multiple?: boolean;
    };
    expect(sections.typecode).toBe(0x75);
    expect(sections.multiple).toBe(true);
    expect(sections.content).toEqual([Buffer.from("a"), Buffer.from("b")]);
  });

  it("reports the message id, session id, time to live, scheduled time and size it found", () => {
    const scheduled = new Date(ENQUEUED_MS + 60_000);
    const encoded = encode({
      message_id: "m-1",
      group_id: "s-1",
      ttl: 5000,
      message_annotations: { "x-opt-scheduled-enqueue-time": scheduled },
      body: "x",
    });
    const incoming = decodeIncomingMessage(encoded);
    expect(incoming.messageId).toBe("m-1");
    expect(incoming.sessionId).toBe("s-1");
    expect(incoming.timeToLiveInMs).toBe(5000);
    expect(incoming.scheduledEnqueueTimeMs).toBe(scheduled.getTime());
    expect(incoming.sizeInBytes).toBe(encoded.length);
  });

  it("leaves time to live, session id and scheduled time undefined when the client set none", () => {
    const incoming = decodeIncomingMessage(encode({ message_id: "m-1", body: "x" }));
    expect(incoming.timeToLiveInMs).toBeUndefined();
    expect(incoming.sessionId).toBeUndefined();
    expect(incoming.scheduledEnqueueTimeMs).toBeUndefined();
    expect(incoming.content.messageAnnotations).toHaveLength(0);
    expect(incoming.content.applicationProperties).toHaveLength(0);
  });

  it("reports numeric and binary message ids as text", () => {
    expect(decodeIncomingMessage(encode({ message_id: types.wrap_ulong(42), body: "x" })).messageId).toBe("42");
    expect(decodeIncomingMessage(encode({ message_id: types.wrap_binary(Buffer.from([0xab, 0xcd])), body: "x" })).messageId).toBe("abcd");
  });

  it("gives a message without an id a 32-hex-digit one and keeps its other properties", () => {
    const { message_id: _ignored, ...withoutId } = ALL_PROPERTIES;
    const incoming = decodeIncomingMessage(encode({ ...withoutId, body: "x" }));
    expect(incoming.messageId).toMatch(/^[0-9a-f]{32}$/);
    const received = decode(encodeStoredMessage(brokerMessage(incoming)));
    expect(received.message_id).toBe(incoming.messageId);
    for (const [name, value] of Object.entries(withoutId)) {
      expect(field(received, name), name).toEqual(value);
    }
    const bare = decodeIncomingMessage(encode({ body: "x" }));
    expect(bare.messageId).toMatch(/^[0-9a-f]{32}$/);
    expect(bare.messageId).not.toBe(incoming.messageId);
  });

  it("drops delivery annotations and keeps the footer", () => {
    const received = roundTrip({ message_id: "m", delivery_annotations: { hop: 1 }, footer: { checksum: "abc" }, body: "x" });
    expect(received.delivery_annotations).toBeUndefined();
    expect(received.footer).toEqual({ checksum: "abc" });
    expect(received.body).toBe("x");
  });

  it("keeps the client's message annotations but replaces the ones the broker owns", () => {
    const received = roundTrip(
      {
        message_id: "m",
        message_annotations: {
          "x-opt-partition-key": "pk",
          "x-custom": 7,
          "x-opt-sequence-number": 999,
          "x-opt-enqueued-time": new Date(0),
          "x-opt-locked-until": new Date(0),
          "x-opt-message-state": 2,
          "x-opt-deadletter-source": "elsewhere",
        },
        body: "x",
      },
      { sequenceNumber: 5 },
    );
    expect(received.message_annotations).toEqual({
      "x-opt-partition-key": "pk",
      "x-custom": 7,
      "x-opt-sequence-number": 5,
      "x-opt-enqueued-time": new Date(ENQUEUED_MS),
      "x-opt-message-state": 0,
    });
  });

  it("adds the lock expiry, the dead-letter source and the message state the broker knows", () => {
    const lockedUntil = ENQUEUED_MS + 30_000;
    const received = roundTrip({ message_id: "m", body: "x" }, { state: "deferred", deadLetterSource: "orders" }, lockedUntil);
    expect(received.message_annotations?.["x-opt-locked-until"]).toEqual(new Date(lockedUntil));
    expect(received.message_annotations?.["x-opt-deadletter-source"]).toBe("orders");
    expect(received.message_annotations?.["x-opt-message-state"]).toBe(1);
    const scheduled = roundTrip({ message_id: "m", body: "x" }, { state: "scheduled" });
    expect(scheduled.message_annotations?.["x-opt-message-state"]).toBe(2);
    expect(scheduled.message_annotations?.["x-opt-locked-until"]).toBeUndefined();
  });

  it("keeps the client's header fields, with the broker's delivery count and effective time to live", () => {
    const first = roundTrip({ message_id: "m", ttl: 5000, durable: false, priority: 20, body: "x" });
    expect(first.durable).toBe(false);
    expect(first.priority).toBe(20);
    expect(first.ttl).toBe(5000);
    expect(first.first_acquirer).toBe(false);
    // rhea leaves out a delivery count of 0 (the default); the encoded header must still carry the field.
    expect(first.delivery_count ?? 0).toBe(0);
    const again = roundTrip({ message_id: "m", ttl: 5000, body: "x" }, { deliveryCount: 3, timeToLiveInMs: 1000 });
    expect(again.durable).toBe(true);
    expect(again.priority).toBe(4);
    expect(again.delivery_count).toBe(3);
    expect(again.ttl).toBe(1000);
  });

  it("leaves ttl out for a message that never expires and caps it at the largest uint", () => {
    expect(roundTrip({ message_id: "m", body: "x" }).ttl).toBeUndefined();
    expect(roundTrip({ message_id: "m", body: "x" }, { timeToLiveInMs: 2 ** 40 }).ttl).toBe(0xffffffff);
  });

  it("refuses bytes that are not AMQP message sections with a TypeError", () => {
    const notASection = Buffer.from([0xa1, 0x02, 0x68, 0x69]); // the string "hi", not a described section
    expect(() => decodeIncomingMessage(notASection)).toThrow(TypeError);
    const otherDescriptor = rhea.message.encode({ body: "x" } as Message).subarray(0);
    otherDescriptor[2] = 0x10; // descriptor 0x10 (open), not a message section
    expect(() => decodeIncomingMessage(otherDescriptor)).toThrow(TypeError);
  });

  it("refuses bytes that are not AMQP at all (an unknown type code) with a TypeError", () => {
    expect(() => decodeIncomingMessage(Buffer.from([0xff, 0xff]))).toThrow(TypeError);
  });

  it("refuses bytes cut off inside a section with a TypeError", () => {
    // The AMQP layer answers a TypeError with amqp:decode-error and anything else with amqp:internal-error.
    const whole = encode({ message_id: "m", application_properties: { a: 1 }, body: "some body" });
    for (const cut of [2, 5, 20, whole.length - 1]) {
      expect(() => decodeIncomingMessage(whole.subarray(0, cut)), `first ${cut} of ${whole.length} bytes`).toThrow(TypeError);
    }
  });

  it("refuses a data section whose declared length runs past the end of the bytes", () => {
    // A data section declaring 16 bytes of binary but carrying none.
    expect(() => decodeIncomingMessage(Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x10]))).toThrow(TypeError);
  });
});

describe("mergeApplicationProperties", () => {
  const original = encode({
    message_id: "m",
    application_properties: { keep: types.wrap_long(5), replace: "old", flag: true, when: new Date(1_000) },
    body: "x",
  });
  const section = decodeIncomingMessage(original).content.applicationProperties;

  function properties(bytes: Buffer): Record<string, unknown> | undefined {
    return decode(bytes).application_properties;
  }

  it("replaces patched entries, adds new ones and keeps the others", () => {
    const merged = mergeApplicationProperties(section, { replace: "new", added: 12, alsoAdded: "y" });
    expect(properties(merged)).toEqual({ keep: 5, replace: "new", flag: true, when: new Date(1_000), added: 12, alsoAdded: "y" });
  });

  it("keeps the exact encoding of untouched entries", () => {
    const merged = mergeApplicationProperties(section, { replace: "new" });
    // key "keep" (str8) followed by the long 5 as smalllong (0x55 0x05), unchanged.
    const keepEntry = Buffer.from([0xa1, 0x04, ...Buffer.from("keep"), 0x55, 0x05]);
    expect(section.includes(keepEntry)).toBe(true);
    expect(merged.includes(keepEntry)).toBe(true);
    expect(merged.includes(Buffer.from("old"))).toBe(false);
  });

  it("returns the section unchanged for an empty patch", () => {
    expect(mergeApplicationProperties(section, {})).toBe(section);
  });

  it("creates the section when the message had none", () => {
    const merged = mergeApplicationProperties(Buffer.alloc(0), { DeadLetterReason: "because", count: 2 });
    expect(properties(merged)).toEqual({ DeadLetterReason: "because", count: 2 });
    expect(merged[2]).toBe(0x74);
  });

  it("can be applied repeatedly, each time on the previous result", () => {
    const once = mergeApplicationProperties(section, { added: 1 });
    const twice = mergeApplicationProperties(once, { added: 2, replace: "again" });
    expect(properties(twice)).toEqual({ keep: 5, replace: "again", flag: true, when: new Date(1_000), added: 2 });
  });

  it("is what a delivery carries after a merge", () => {
    const incoming = decodeIncomingMessage(original);
    const merged = mergeApplicationProperties(incoming.content.applicationProperties, { replace: "new" });
    const message = brokerMessage(incoming);
    message.content = { ...message.content, applicationProperties: merged };
    expect(decode(encodeStoredMessage(message)).application_properties).toEqual({ keep: 5, replace: "new", flag: true, when: new Date(1_000) });
  });
});

describe("decodeBatch", () => {
  /** A batch as the SDK's ServiceBusMessageBatch builds it: the first message's annotations, properties and ids, then one data section per message. */
  function sdkBatch(messages: Array<Record<string, unknown>>): { batch: Buffer; encoded: Buffer[] } {
    const encoded = messages.map(encode);
    const first = messages[0] ?? {};
    const envelope: Record<string, unknown> = {
      body: amqp.data_sections(encoded),
      message_annotations: first.message_annotations,
      application_properties: first.application_properties,
    };
    for (const field of ["message_id", "group_id", "correlation_id"]) if (first[field]) envelope[field] = first[field];
    return { batch: encode(envelope), encoded };
  }

  it("names the batch message format the SDK uses", () => {
    expect(BATCH_MESSAGE_FORMAT).toBe(0x80013700);
  });

  it("splits a batch into the encoded messages it carries, in order and byte for byte", () => {
    const { batch, encoded } = sdkBatch([
      { message_id: "a", application_properties: { n: 1 }, message_annotations: { "x-opt-partition-key": "p" }, body: amqp.data_section(Buffer.from("A")) },
      { message_id: "b", body: "B" },
      { message_id: "c", ttl: 1000, body: { c: 3 } },
    ]);
    const split = decodeBatch(batch);
    expect(split).toHaveLength(3);
    split.forEach((bytes, index) => expect(bytes.equals(encoded[index] as Buffer)).toBe(true));
    const incoming = split.map(decodeIncomingMessage);
    expect(incoming.map((message) => message.messageId)).toEqual(["a", "b", "c"]);
    expect(incoming[2]?.timeToLiveInMs).toBe(1000);
    const received = incoming.map((message) => decode(encodeStoredMessage(brokerMessage(message))));
    expect((received[0]?.body as { content: Buffer }).content).toEqual(Buffer.from("A"));
    expect(received[0]?.application_properties).toEqual({ n: 1 });
    expect(received[1]?.body).toBe("B");
    expect(received[1]?.application_properties).toBeUndefined();
    expect(received[2]?.body).toEqual({ c: 3 });
  });

  it("splits a batch of one message", () => {
    const { batch, encoded } = sdkBatch([{ message_id: "only", body: "x" }]);
    const split = decodeBatch(batch);
    expect(split).toHaveLength(1);
    expect(split[0]?.equals(encoded[0] as Buffer)).toBe(true);
  });

  it("ignores the batch's own annotations, properties and application properties", () => {
    const { batch } = sdkBatch([
      { message_id: "a", application_properties: { n: 1 }, message_annotations: { "x-opt-partition-key": "p" }, body: "A" },
      { message_id: "b", body: "B" },
    ]);
    expect(decodeBatch(batch).map((bytes) => decode(bytes).message_id)).toEqual(["a", "b"]);
  });

  it("splits many messages", () => {
    const messages = Array.from({ length: 100 }, (_, index) => ({ message_id: `m-${index}`, body: `body ${index}` }));
    const split = decodeBatch(sdkBatch(messages).batch);
    expect(split.map((bytes) => decode(bytes).body)).toEqual(messages.map((message) => message.body));
  });
});
