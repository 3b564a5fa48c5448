/**
 * The session calls one instance forwards to another, as JSON both ways: the caller turns a port call into
 * `{ operation, args }`, the holder reads the arguments back, checks that it still holds the session, runs the
 * call on its own gateway and returns a JSON result, which the caller turns back into the port's types.
 */
import type { QueueEntity, ReceivableEntity, SubscriptionEntity } from "../contract/entity.js";
import { lockToken } from "../contract/lock-token.js";
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import type { BodyEncoding } from "../servicebus/body-codec.js";
import { GatewayError } from "../servicebus/gateway-error.js";
import type { DeadLetterOptions, MessageLock, ReceiveSessionMessagesResult, SessionStateJson } from "../servicebus/messaging-port.js";
import type { ServiceBusGateway } from "../servicebus/service-bus-gateway.js";
import type { JsonValue } from "./route-messages.js";
import type { RouteCallContext } from "./route-server.js";

type Properties = Record<string, string | number | boolean>;

/** A session call in JSON: what the caller sends and the holder runs. */
export type ForwardedCall =
  | { operation: "receiveSessionMessages"; args: { source: SessionSource; sessionId: string; maxMessages: number; maxWaitTimeInMs: number } }
  | { operation: "peekSessionMessages"; args: { source: SessionSource; sessionId: string; maxMessages: number; fromSequenceNumber?: string } }
  | { operation: "receiveDeferredSessionMessages"; args: { source: SessionSource; sessionId: string; sequenceNumbers: string[] } }
  | { operation: "getSessionState" | "renewSessionLock" | "closeSession"; args: { source: SessionSource; sessionId: string } }
  | { operation: "setSessionState"; args: { source: SessionSource; sessionId: string; state: JsonValue; stateEncoding: BodyEncoding } }
  | { operation: "completeMessage" | "renewMessageLock"; args: { source: SessionSource; sessionId: string; lockToken: string } }
  | { operation: "abandonMessage" | "deferMessage"; args: { source: SessionSource; sessionId: string; lockToken: string; propertiesToModify?: Properties } }
  | { operation: "deadLetterMessage"; args: { source: SessionSource; sessionId: string; lockToken: string; deadLetter: DeadLetterOptions } };

/** The main entity of a queue or subscription: sessions live there, never in a dead-letter sub-queue. */
export type SessionSource = { kind: "queue"; queue: string } | { kind: "subscription"; topic: string; subscription: string };

/** The operations a holder runs; anything else in a request is refused. */
export const FORWARDED_OPERATIONS: ReadonlySet<string> = new Set<ForwardedCall["operation"]>([
  "receiveSessionMessages",
  "peekSessionMessages",
  "receiveDeferredSessionMessages",
  "getSessionState",
  "setSessionState",
  "renewSessionLock",
  "closeSession",
  "completeMessage",
  "abandonMessage",
  "deferMessage",
  "deadLetterMessage",
  "renewMessageLock",
]);

/** The JSON form of a source (its sub-queue left out: sessions are only in the main entity). */
export function sessionSourceOf(source: QueueEntity | SubscriptionEntity): SessionSource {
  return source.kind === "queue" ? { kind: "queue", queue: source.queue } : { kind: "subscription", topic: source.topic, subscription: source.subscription };
}

/** The result of a forwarded receive, in JSON. */
export function receiveResultToJson(result: ReceiveSessionMessagesResult): JsonValue {
  return {
    ...(result.sessionId === undefined ? {} : { sessionId: result.sessionId }),
    ...(result.sessionLockedUntil === undefined ? {} : { sessionLockedUntil: result.sessionLockedUntil.toISOString() }),
    messages: result.messages as unknown as JsonValue,
  };
}

/** A forwarded receive's JSON result, back in the port's types. */
export function receiveResultFromJson(value: JsonValue): ReceiveSessionMessagesResult {
  const result = asObject(value, "result");
  const sessionId = result["sessionId"];
  const lockedUntil = result["sessionLockedUntil"];
  return {
    ...(typeof sessionId === "string" ? { sessionId } : {}),
    ...(typeof lockedUntil === "string" ? { sessionLockedUntil: new Date(lockedUntil) } : {}),
    messages: (Array.isArray(result["messages"]) ? result["messages"] : []) as unknown as ReceivedMessageJson[],
  };
}

/** A forwarded call's date result (a renewed lock's expiry), back as a Date. */
export function dateFromJson(value: JsonValue): Date {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw new TypeError("The forwarded call answered no date.");
  return new Date(value);
}

/** A forwarded session state, back in the port's type. */
export function sessionStateFromJson(value: JsonValue): SessionStateJson {
  const result = asObject(value, "result");
  return { state: result["state"], stateEncoding: result["stateEncoding"] as BodyEncoding };
}

/**
 * Runs a forwarded call on the holder's gateway. The session must be held here: when it is not (released,
 * or its lock lost since the route was served), the call is refused with SessionLockLost and `onNotHeld` is told, so
 * this instance stops serving the route and the session's next holder can.
 */
export async function runForwardedCall(
  local: ServiceBusGateway,
  operation: string,
  args: JsonValue,
  context: RouteCallContext,
  onNotHeld: (source: SessionSource, sessionId: string) => void,
): Promise<JsonValue> {
  if (!FORWARDED_OPERATIONS.has(operation)) throw new TypeError(`Unknown forwarded operation ${operation}.`);
  const call = asObject(args, "args");
  const source = readSource(call["source"]);
  const sessionId = readString(call, "sessionId");
  const receivable: ReceivableEntity = { ...source, subQueue: "main" };
  const isMessageCall = typeof call["lockToken"] === "string";
  if (!local.holdsSession(source, sessionId)) {
    onNotHeld(source, sessionId);
    throw new GatewayError({ kind: "sessionNotHeld", subject: isMessageCall ? "message" : "session" });
  }
  const lock = (): MessageLock => ({ lockToken: lockToken(readString(call, "lockToken")), sessionId });
  switch (operation as ForwardedCall["operation"]) {
    case "receiveSessionMessages": {
      // What is left of the caller's wait, keeping time for the answer to travel back.
      const maxWaitTimeInMs = Math.min(readNumber(call, "maxWaitTimeInMs"), Math.max(0, context.deadline - Date.now() - ANSWER_MARGIN_IN_MS));
      const result = await local.receiveSessionMessages(receivable, { sessionId, maxMessages: readNumber(call, "maxMessages"), maxWaitTimeInMs });
      return receiveResultToJson(result);
    }
    case "peekSessionMessages": {
      const from = call["fromSequenceNumber"];
      const messages = await local.peekMessages(receivable, {
        sessionId,
        maxMessages: readNumber(call, "maxMessages"),
        ...(typeof from === "string" ? { fromSequenceNumber: from } : {}),
      });
      return messages as unknown as JsonValue;
    }
    case "receiveDeferredSessionMessages": {
      const sequenceNumbers = call["sequenceNumbers"];
      if (!Array.isArray(sequenceNumbers) || !sequenceNumbers.every((each) => typeof each === "string" && /^\d{1,19}$/.test(each))) {
        throw new TypeError("The forwarded call has no sequence numbers.");
      }
      return (await local.receiveDeferredMessages(receivable, sequenceNumbers as string[], { sessionId })) as unknown as JsonValue;
    }
    case "getSessionState":
      return (await local.getSessionState(receivable, sessionId)) as unknown as JsonValue;
    case "setSessionState":
      await local.setSessionState(receivable, sessionId, { state: call["state"], stateEncoding: readString(call, "stateEncoding") as BodyEncoding });
      return null;
    case "renewSessionLock":
      return (await local.renewSessionLock(receivable, sessionId)).toISOString();
    case "closeSession":
      return await local.closeSession(receivable, sessionId);
    case "completeMessage":
      await local.completeMessage(receivable, lock());
      return null;
    case "abandonMessage":
      await local.abandonMessage(receivable, lock(), readProperties(call));
      return null;
    case "deferMessage":
      await local.deferMessage(receivable, lock(), readProperties(call));
      return null;
    case "deadLetterMessage":
      await local.deadLetterMessage(receivable, lock(), asObject(call["deadLetter"] ?? {}, "deadLetter") as DeadLetterOptions);
      return null;
    case "renewMessageLock":
      return (await local.renewMessageLock(receivable, lock())).toISOString();
  }
}

/** Time kept, out of a forwarded receive's deadline, for its answer to reach the caller. */
export const ANSWER_MARGIN_IN_MS = 1_000;

function asObject(value: unknown, what: string): Record<string, JsonValue> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`The forwarded ${what} is not an object.`);
  return value as Record<string, JsonValue>;
}

function readString(call: Record<string, JsonValue>, name: string): string {
  const value = call[name];
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`The forwarded call has no ${name}.`);
  return value;
}

function readNumber(call: Record<string, JsonValue>, name: string): number {
  const value = call[name];
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new TypeError(`The forwarded call has no ${name}.`);
  return value;
}

function readProperties(call: Record<string, JsonValue>): Properties | undefined {
  const value = call["propertiesToModify"];
  return value === undefined || value === null ? undefined : (asObject(value, "propertiesToModify") as Properties);
}

function readSource(value: unknown): SessionSource {
  const source = asObject(value, "source");
  if (source["kind"] === "queue") return { kind: "queue", queue: readString(source, "queue") };
  if (source["kind"] === "subscription") return { kind: "subscription", topic: readString(source, "topic"), subscription: readString(source, "subscription") };
  throw new TypeError("The forwarded source is neither a queue nor a subscription.");
}
