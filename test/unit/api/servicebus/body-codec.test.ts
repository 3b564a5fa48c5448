import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../../../api/src/contract/json-depth.js";
import { BodyEncodingError, decodeDataBody, decodeValueBody, encodeBody, isJsonContentType } from "../../../../api/src/servicebus/body-codec.js";

describe("encodeBody", () => {
  it("sends JSON values as UTF-8 JSON with application/json", () => {
    expect(encodeBody({ a: 1 }, undefined, undefined)).toEqual({ bytes: Buffer.from('{"a":1}'), contentType: "application/json" });
    expect(encodeBody(42, undefined, undefined).bytes.toString()).toBe("42");
    expect(encodeBody(null, undefined, undefined).bytes.toString()).toBe("null");
  });

  it("sends strings as UTF-8 text with text/plain, keeping a given content type", () => {
    expect(encodeBody("héllo", undefined, undefined)).toEqual({ bytes: Buffer.from("héllo", "utf8"), contentType: "text/plain" });
    expect(encodeBody("<a/>", undefined, "application/xml").contentType).toBe("application/xml");
  });

  it("treats a string under a JSON content type as JSON text, which must parse", () => {
    expect(encodeBody('{"a":1}', undefined, "application/json").bytes.toString()).toBe('{"a":1}');
    expect(() => encodeBody("not json", undefined, "application/json")).toThrow(BodyEncodingError);
  });

  it("decodes base64 bodies to bytes, refusing bad base64", () => {
    expect(encodeBody("/wAB", "base64", undefined)).toEqual({ bytes: Buffer.from([0xff, 0, 1]), contentType: "application/octet-stream" });
    expect(() => encodeBody("not base64!", "base64", undefined)).toThrow(/base64/);
    expect(() => encodeBody(5, "base64", undefined)).toThrow(BodyEncodingError);
  });

  it("encodes text and json explicitly", () => {
    expect(encodeBody("x", "text", undefined).bytes.toString()).toBe("x");
    expect(() => encodeBody(1, "text", undefined)).toThrow(/string/);
    expect(encodeBody("x", "json", undefined).bytes.toString()).toBe('"x"');
  });
});

describe("decodeDataBody", () => {
  it("returns JSON nested more than MAX_JSON_DEPTH levels as its text, so the response can be written", () => {
    const deep = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${"}".repeat(MAX_JSON_DEPTH + 1)}`;
    expect(decodeDataBody(Buffer.from(deep), "application/json")).toEqual({ body: deep, bodyEncoding: "text" });
    const deepest = `${'{"a":'.repeat(MAX_JSON_DEPTH)}1${"}".repeat(MAX_JSON_DEPTH)}`;
    expect(decodeDataBody(Buffer.from(deepest), "application/json").bodyEncoding).toBe("json");
  });

  it("parses JSON under a JSON content type", () => {
    expect(decodeDataBody(Buffer.from('{"a":[1,2]}'), "application/json; charset=utf-8")).toEqual({ body: { a: [1, 2] }, bodyEncoding: "json" });
    expect(decodeDataBody(Buffer.from("[1]"), "application/cloudevents+json")).toEqual({ body: [1], bodyEncoding: "json" });
  });

  it("returns text otherwise, including JSON-looking text without a JSON content type", () => {
    expect(decodeDataBody(Buffer.from('{"a":1}'), undefined)).toEqual({ body: '{"a":1}', bodyEncoding: "text" });
    expect(decodeDataBody(Buffer.from("not json"), "application/json")).toEqual({ body: "not json", bodyEncoding: "text" });
  });

  it("returns base64 for bytes that are not UTF-8", () => {
    expect(decodeDataBody(Buffer.from([0xff, 0xfe]), "application/json")).toEqual({ body: "//4=", bodyEncoding: "base64" });
  });
});

describe("decodeValueBody", () => {
  it("maps AMQP values: strings to text, binary to base64, others to JSON", () => {
    expect(decodeValueBody("s")).toEqual({ body: "s", bodyEncoding: "text" });
    expect(decodeValueBody(Buffer.from([1]))).toEqual({ body: "AQ==", bodyEncoding: "base64" });
    expect(decodeValueBody({ when: new Date("2025-01-01T00:00:00Z"), n: 1 })).toEqual({
      body: { when: "2025-01-01T00:00:00.000Z", n: 1 },
      bodyEncoding: "json",
    });
  });
});

describe("isJsonContentType", () => {
  it("recognises application/json and +json types only", () => {
    expect(["application/json", "Application/JSON", "application/vnd.api+json"].map(isJsonContentType)).toEqual([true, true, true]);
    expect(["text/json", "application/jsonl", undefined].map(isJsonContentType)).toEqual([false, false, false]);
  });
});
