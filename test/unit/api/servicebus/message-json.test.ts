import Long from "long";
import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { deliveryCountForCaller, timeToLiveSeconds, toMessageJson } from "../../../../api/src/servicebus/message-json.js";

/** A received message as the SDK returns it with skipParsingBodyAsJson (only the fields the conversion reads). */
function sdkMessage(
  fields: Partial<Record<keyof ServiceBusReceivedMessage, unknown>> & { bodyType?: "data" | "value" | "sequence" },
): ServiceBusReceivedMessage {
  const { bodyType = "data", ...rest } = fields;
  return { state: "active", _rawAmqpMessage: { bodyType, body: rest.body }, ...rest } as unknown as ServiceBusReceivedMessage;
}

describe("deliveryCountForCaller", () => {
  it("counts the current delivery for received messages and the deliveries so far for peeked ones", () => {
    expect(deliveryCountForCaller(0, "received")).toBe(1);
    expect(deliveryCountForCaller(1, "received")).toBe(2);
    expect(deliveryCountForCaller(1, "peeked")).toBe(1);
    expect(deliveryCountForCaller(undefined, "received")).toBe(1);
  });
});

describe("timeToLiveSeconds", () => {
  it("converts milliseconds to seconds and omits 'never expires'", () => {
    expect(timeToLiveSeconds(90_500)).toBe(90.5);
    expect(timeToLiveSeconds(undefined)).toBeUndefined();
    expect(timeToLiveSeconds(922337203685477)).toBeUndefined();
  });
});

describe("toMessageJson", () => {
  const enqueued = new Date("2025-06-01T10:00:00.000Z");

  it("converts a received message: decoded body, string sequence number, 1-based delivery count, ISO dates", () => {
    const json = toMessageJson(
      sdkMessage({
        body: Buffer.from('{"orderId":"A-1"}'),
        contentType: "application/json",
        messageId: "m-1",
        correlationId: "c-1",
        subject: "order",
        sequenceNumber: Long.fromString("9007199254740993"),
        lockToken: "2b6f0c1e-0000-4000-8000-000000000000",
        lockedUntilUtc: new Date("2025-06-01T10:01:00.000Z"),
        deliveryCount: 0,
        enqueuedTimeUtc: enqueued,
        timeToLive: 3_600_000,
        applicationProperties: { eventType: "OrderSubmitted", when: enqueued, DeadLetterReason: "x" },
      }),
      "received",
    );
    expect(json).toEqual({
      body: { orderId: "A-1" },
      bodyEncoding: "json",
      contentType: "application/json",
      messageId: "m-1",
      correlationId: "c-1",
      subject: "order",
      sequenceNumber: "9007199254740993",
      lockToken: "2b6f0c1e-0000-4000-8000-000000000000",
      lockedUntilUtc: "2025-06-01T10:01:00.000Z",
      deliveryCount: 1,
      enqueuedTimeUtc: "2025-06-01T10:00:00.000Z",
      timeToLiveSeconds: 3600,
      applicationProperties: { eventType: "OrderSubmitted", when: "2025-06-01T10:00:00.000Z" },
      state: "active",
    });
  });

  it("leaves lock fields out of peeked messages and keeps dead-letter details", () => {
    const json = toMessageJson(
      sdkMessage({
        body: Buffer.from("text"),
        sequenceNumber: Long.fromNumber(3),
        lockToken: "2b6f0c1e-0000-4000-8000-000000000000",
        deliveryCount: 2,
        deadLetterReason: "Poison",
        deadLetterErrorDescription: "bad amount",
      }),
      "peeked",
    );
    expect(json).toEqual({
      body: "text",
      bodyEncoding: "text",
      sequenceNumber: "3",
      deliveryCount: 2,
      deadLetterReason: "Poison",
      deadLetterErrorDescription: "bad amount",
      state: "active",
    });
  });

  it("decodes AMQP value bodies from other clients", () => {
    expect(toMessageJson(sdkMessage({ body: "plain", bodyType: "value", sequenceNumber: Long.fromNumber(1) }), "peeked").body).toBe("plain");
    expect(toMessageJson(sdkMessage({ body: [[1, 2]], bodyType: "sequence", sequenceNumber: Long.fromNumber(1) }), "peeked")).toMatchObject({
      body: [[1, 2]],
      bodyEncoding: "json",
    });
  });
});
