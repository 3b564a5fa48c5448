/**
 * Session state between the API's JSON and Service Bus bytes. Service Bus stores session state as
 * opaque bytes; the API writes a JSON value as its UTF-8 JSON text (the default), a string as UTF-8
 * text (`stateEncoding: "text"`), or decoded base64 bytes, and reads bytes back as JSON when they
 * parse, as text when they are UTF-8, and as base64 otherwise (state set by other clients).
 */
import { BodyEncodingError, decodeDataBody } from "./body-codec.js";
import type { SessionStateJson } from "./messaging-port.js";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes to store for a caller's state; null clears the state.
 *
 * @throws BodyEncodingError (field "body" stands for `state`) when the value does not fit its encoding.
 */
export function encodeSessionState({ state, stateEncoding }: SessionStateJson): Buffer | null {
  if (state === null || state === undefined) return null;
  if (stateEncoding === "base64") {
    if (typeof state !== "string" || !BASE64.test(state)) throw new BodyEncodingError("body", "must be a base64 string when stateEncoding is base64");
    return Buffer.from(state, "base64");
  }
  if (stateEncoding === "text") {
    if (typeof state !== "string") throw new BodyEncodingError("body", "must be a string when stateEncoding is text");
    return Buffer.from(state, "utf8");
  }
  return Buffer.from(JSON.stringify(state), "utf8");
}

/**
 * The caller's view of what the SDK's `getSessionState` returned: the SDK parses JSON bytes itself and
 * hands back a Buffer when they are not JSON.
 */
export function decodeSessionState(value: unknown): SessionStateJson {
  if (value === null || value === undefined) return { state: null, stateEncoding: "json" };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    if (value.length === 0) return { state: null, stateEncoding: "json" };
    const { body, bodyEncoding } = decodeDataBody(value, "application/json");
    return { state: body, stateEncoding: bodyEncoding };
  }
  return { state: value, stateEncoding: "json" };
}
