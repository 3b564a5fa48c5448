/**
 * Message bodies between the API's JSON and Service Bus bytes. Pure functions: no SDK types.
 *
 * Sending: a JSON value (object, array, number, boolean, null) is sent as its UTF-8 JSON text with
 * content type application/json; a string as UTF-8 text (text/plain), or, under a JSON content type,
 * as JSON text that must parse; `bodyEncoding: "base64"` sends the decoded bytes (application/octet-stream).
 *
 * Receiving: bytes under a JSON content type that parse, and nest at most MAX_JSON_DEPTH levels, are
 * returned as JSON ("json"); other valid UTF-8 as text ("text"); anything else as base64 ("base64").
 * AMQP value and sequence bodies (sent by other clients) are returned as JSON, or as text for strings and
 * base64 for binary.
 */
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../contract/json-depth.js";

/** How a body is written in JSON. */
export type BodyEncoding = "json" | "text" | "base64";

/** A body ready for Service Bus. */
export interface EncodedBody {
  bytes: Buffer;
  contentType: string;
}

/** A body as callers see it. */
export interface DecodedBody {
  body: unknown;
  bodyEncoding: BodyEncoding;
}

/** Why a body cannot be encoded, naming the field. */
export class BodyEncodingError extends RangeError {
  override readonly name = "BodyEncodingError";
  constructor(
    readonly field: "body" | "bodyEncoding",
    message: string,
  ) {
    super(message);
  }
}

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Whether a content type is JSON (application/json or application/*+json). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_CONTENT_TYPE.test(contentType);
}

/**
 * Encodes a caller's body for sending.
 *
 * @throws BodyEncodingError when base64 is not valid, the encoding does not fit the value, or a string
 * under a JSON content type is not JSON.
 */
export function encodeBody(body: unknown, bodyEncoding: BodyEncoding | undefined, contentType: string | undefined): EncodedBody {
  if (bodyEncoding === "base64") {
    if (typeof body !== "string" || !BASE64.test(body)) throw new BodyEncodingError("body", "must be a base64 string when bodyEncoding is base64");
    return { bytes: Buffer.from(body, "base64"), contentType: contentType ?? "application/octet-stream" };
  }
  if (bodyEncoding === "text") {
    if (typeof body !== "string") throw new BodyEncodingError("body", "must be a string when bodyEncoding is text");
    return { bytes: Buffer.from(body, "utf8"), contentType: contentType ?? "text/plain" };
  }
  if (typeof body === "string" && bodyEncoding === undefined) {
    if (isJsonContentType(contentType)) {
      try {
        JSON.parse(body);
      } catch {
        throw new BodyEncodingError("body", "must be JSON text when the content type is JSON and the body is a string");
      }
    }
    return { bytes: Buffer.from(body, "utf8"), contentType: contentType ?? "text/plain" };
  }
  if (body === undefined) throw new BodyEncodingError("body", "is required");
  return { bytes: Buffer.from(JSON.stringify(body), "utf8"), contentType: contentType ?? "application/json" };
}

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes the bytes of a data section. */
export function decodeDataBody(bytes: Uint8Array, contentType: string | undefined): DecodedBody {
  const text = decodeText(bytes);
  if (text === undefined) return { body: Buffer.from(bytes).toString("base64"), bodyEncoding: "base64" };
  if (isJsonContentType(contentType)) {
    try {
      const body = JSON.parse(text) as unknown;
      // JSON nested too deeply to be written back into a response (sent by another client) is returned as its text.
      if (!nestsDeeperThan(body, MAX_JSON_DEPTH)) return { body, bodyEncoding: "json" };
    } catch {
      // A JSON content type with text that is not JSON: return the text rather than fail the receive.
    }
  }
  return { body: text, bodyEncoding: "text" };
}

/** Converts an AMQP value to JSON: binary to base64, dates to ISO strings, 64-bit integers to strings. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object") {
    if (isLongLike(value)) return value.toString();
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item)]));
  }
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value;
}

function isLongLike(value: object): value is { toString(): string } {
  return "low" in value && "high" in value && "unsigned" in value;
}

/** Decodes a body of an AMQP value or sequence section. */
export function decodeValueBody(value: unknown): DecodedBody {
  if (typeof value === "string") return { body: value, bodyEncoding: "text" };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { body: Buffer.from(value).toString("base64"), bodyEncoding: "base64" };
  return { body: toJsonValue(value), bodyEncoding: "json" };
}
