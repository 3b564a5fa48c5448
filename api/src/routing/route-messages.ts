/**
 * The messages of the control queue. Each body is UTF-8 JSON with a format version `v`:
 * - a request `{ v: 1, operation, args, deadline }` on a route session (`deadline`: epoch milliseconds after
 *   which nobody waits for the answer); the call id is the message id, the caller's reply session its
 *   `replyToSessionId`;
 * - a reply `{ v: 1, ok: true, result }` or `{ v: 1, ok: false, problem: { code, detail, errors?, extensions? } }`
 *   on the caller's reply session; the call id is its `correlationId`.
 * Decoding checks the whole shape and says why a message is refused, without echoing its content: bodies can
 * carry message bodies, session state or properties.
 */
import type { ServiceBusMessage, ServiceBusReceivedMessage } from "@azure/service-bus";
import type { ProblemCode } from "../problems/codes.js";
import { isProblemCode, problemDefinition } from "../problems/codes.js";
import type { FieldErrors } from "../problems/problem-error.js";

/** The format version this code writes and reads. */
export const ROUTE_MESSAGE_VERSION = 1;

/** Subjects of the control queue's messages, for people reading the queue with a tool. */
export const REQUEST_SUBJECT = "route-request";
export const REPLY_SUBJECT = "route-reply";

const CONTENT_TYPE = "application/json";
const MAX_OPERATION_LENGTH = 100;

/** A JSON value: what arguments and results of routed calls must be. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A forwarded call as the holder reads it. */
export interface RouteRequest {
  readonly callId: string;
  readonly replyToSessionId: string;
  readonly operation: string;
  readonly args: JsonValue;
  /** Epoch milliseconds (the caller's clock) after which the caller no longer waits. */
  readonly deadline: number;
}

/** A caller-safe problem carried by a reply. */
export interface RouteProblem {
  readonly code: ProblemCode;
  readonly detail: string;
  readonly errors?: FieldErrors;
  readonly extensions?: Record<string, JsonValue>;
}

/** A reply as the caller reads it. */
export type RouteReply =
  | { readonly callId: string; readonly ok: true; readonly result: JsonValue }
  | { readonly callId: string; readonly ok: false; readonly problem: RouteProblem };

/** The outcome of decoding: the message, or why it is refused (safe to log and to use as dead-letter reason). */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** The message that carries a request to `routeSessionId`. */
export function encodeRequest(request: RouteRequest, routeSessionId: string, timeToLiveInMs: number): ServiceBusMessage {
  const body = { v: ROUTE_MESSAGE_VERSION, operation: request.operation, args: request.args, deadline: request.deadline };
  return {
    body: Buffer.from(JSON.stringify(body), "utf8"),
    contentType: CONTENT_TYPE,
    subject: REQUEST_SUBJECT,
    messageId: request.callId,
    sessionId: routeSessionId,
    replyToSessionId: request.replyToSessionId,
    timeToLive: timeToLiveInMs,
  };
}

/** The message that carries a reply to the caller's reply session. */
export function encodeReply(reply: RouteReply, replySessionId: string, timeToLiveInMs: number): ServiceBusMessage {
  const body = reply.ok ? { v: ROUTE_MESSAGE_VERSION, ok: true, result: reply.result } : { v: ROUTE_MESSAGE_VERSION, ok: false, problem: reply.problem };
  return {
    body: Buffer.from(JSON.stringify(body), "utf8"),
    contentType: CONTENT_TYPE,
    subject: REPLY_SUBJECT,
    correlationId: reply.callId,
    sessionId: replySessionId,
    timeToLive: timeToLiveInMs,
  };
}

/** Reads a request received on a route session (receivers use `skipParsingBodyAsJson`). */
export function decodeRequest(message: Pick<ServiceBusReceivedMessage, "body" | "messageId" | "replyToSessionId">): Decoded<RouteRequest> {
  const body = parseBody(message.body);
  if (!body.ok) return body;
  const { v, operation, args, deadline } = body.value;
  if (v !== ROUTE_MESSAGE_VERSION) return refuse(`unsupported format version (this instance reads version ${ROUTE_MESSAGE_VERSION})`);
  if (typeof message.messageId !== "string" || message.messageId.length === 0) return refuse("the message id (the call id) is missing or not a string");
  if (typeof message.replyToSessionId !== "string" || message.replyToSessionId.length === 0) return refuse("replyToSessionId is missing");
  if (typeof operation !== "string" || operation.length === 0 || operation.length > MAX_OPERATION_LENGTH)
    return refuse("operation is missing or not a short string");
  if (args === undefined) return refuse("args is missing");
  if (typeof deadline !== "number" || !Number.isFinite(deadline)) return refuse("deadline is missing or not a number");
  return { ok: true, value: { callId: message.messageId, replyToSessionId: message.replyToSessionId, operation, args: args as JsonValue, deadline } };
}

/** Reads a reply received on a reply session. */
export function decodeReply(message: Pick<ServiceBusReceivedMessage, "body" | "correlationId">): Decoded<RouteReply> {
  const body = parseBody(message.body);
  if (!body.ok) return body;
  const { v, ok, result, problem } = body.value;
  if (v !== ROUTE_MESSAGE_VERSION) return refuse(`unsupported format version (this instance reads version ${ROUTE_MESSAGE_VERSION})`);
  const callId = message.correlationId;
  if (typeof callId !== "string" || callId.length === 0) return refuse("the correlation id (the call id) is missing or not a string");
  if (ok === true) {
    if (result === undefined) return refuse("result is missing");
    return { ok: true, value: { callId, ok: true, result: result as JsonValue } };
  }
  if (ok !== false) return refuse("ok is missing or not a boolean");
  const decoded = decodeProblem(problem);
  if (!decoded) return refuse("problem is missing or malformed");
  return { ok: true, value: { callId, ok: false, problem: decoded } };
}

/**
 * A reply's problem. A code this version does not know (a newer instance's) reads as InternalError with the
 * table's detail, so callers still get a problem of the table.
 */
function decodeProblem(value: unknown): RouteProblem | undefined {
  if (!isPlainObject(value)) return undefined;
  const { code, detail, errors, extensions } = value;
  if (typeof code !== "string" || typeof detail !== "string") return undefined;
  if (errors !== undefined && !isPlainObject(errors)) return undefined;
  if (extensions !== undefined && !isPlainObject(extensions)) return undefined;
  if (!isProblemCode(code)) return { code: "InternalError", detail: problemDefinition("InternalError").detail };
  return {
    code,
    detail,
    ...(errors === undefined ? {} : { errors: errors as FieldErrors }),
    ...(extensions === undefined ? {} : { extensions: extensions as Record<string, JsonValue> }),
  };
}

function parseBody(body: unknown): Decoded<Record<string, unknown>> {
  if (!(body instanceof Uint8Array)) return refuse("the body is not a JSON data section");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    return refuse("the body is not JSON");
  }
  if (!isPlainObject(parsed)) return refuse("the body is not a JSON object");
  return { ok: true, value: parsed };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
