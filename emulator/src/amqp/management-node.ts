/**
 * The `$management` node of an entity: the request/response operations the SDK sends (peek, renew-lock,
 * schedule, cancel, receive deferred by sequence number, update-disposition, sessions and rules), each as the
 * SDK's management client encodes its request and reads the answer.
 */
import rhea from "rhea";
import type { Typed } from "rhea";
import type { BrokerMessage } from "../broker/broker-message.js";
import { BrokerError, Conditions } from "../broker/broker-errors.js";
import type { MessageQueue } from "../broker/message-queue.js";
import { sessionLockLost } from "../broker/session-registry.js";
import type { SessionRegistry } from "../broker/session-registry.js";
import type { ReceiveMode, Settlement } from "../broker/message-queue.js";
import type { NamespaceBroker } from "../broker/namespace-broker.js";
import { bytesToUuid, uuidToBytes } from "./lock-token.js";
import { decodeIncomingMessage, encodeStoredMessage } from "./message-codec.js";
import { enumerateRules, ruleFromRequest, subscriptionOf } from "./rule-operations.js";

const { types } = rhea;

const AMQP_TYPE = { uuid: 0x98, long: 0x81, timestamp: 0x83 } as const;

/** The answer to one management request. */
export interface ManagementResponse {
  statusCode: number;
  statusDescription: string;
  errorCondition?: string;
  body?: unknown;
}

type RequestBody = Record<string, unknown>;

function ok(body?: unknown): ManagementResponse {
  return body === undefined ? { statusCode: 200, statusDescription: "OK" } : { statusCode: 200, statusDescription: "OK", body };
}

function badRequest(description: string): BrokerError {
  return new BrokerError(Conditions.argumentError, description, 400);
}

function wrapArray(values: unknown[], typecode: number): Typed {
  const internals = types as unknown as { wrap_array(items: unknown[], code: number): Typed };
  return internals.wrap_array(values, typecode);
}

/** A sequence number as the SDK sends it: a number, or an 8-byte big-endian buffer for large values. */
function toSequenceNumber(value: unknown, field: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE(0));
  if (typeof value === "bigint") return Number(value);
  throw badRequest(`'${field}' must hold 64-bit sequence numbers.`);
}

function sequenceNumberList(body: RequestBody, field: string): number[] {
  const value = body[field];
  if (!Array.isArray(value)) throw badRequest(`The request needs '${field}' as an array.`);
  return value.map((item) => toSequenceNumber(item, field));
}

function lockTokenList(body: RequestBody): string[] {
  const value = body["lock-tokens"];
  if (!Array.isArray(value) || value.length === 0) throw badRequest("The request needs 'lock-tokens' as an array of uuids.");
  return value.map((token) => {
    if (Buffer.isBuffer(token) && token.length === 16) return bytesToUuid(token);
    if (typeof token === "string") return bytesToUuid(uuidToBytes(token));
    throw badRequest("'lock-tokens' must hold uuids.");
  });
}

function propertiesToModify(body: RequestBody): Record<string, unknown> | undefined {
  const value = body["properties-to-modify"];
  return value && typeof value === "object" && !Buffer.isBuffer(value) ? (value as Record<string, unknown>) : undefined;
}

function optionalString(body: RequestBody, field: string): string | undefined {
  const value = body[field];
  return typeof value === "string" ? value : undefined;
}

function settlementOf(body: RequestBody): Settlement {
  const status = body["disposition-status"];
  const modify = propertiesToModify(body);
  switch (status) {
    case "completed":
      return { kind: "complete" };
    case "abandoned":
      return { kind: "abandon", propertiesToModify: modify };
    case "defered": // the SDK's spelling
    case "deferred":
      return { kind: "defer", propertiesToModify: modify };
    case "suspended":
      return {
        kind: "deadLetter",
        reason: optionalString(body, "deadletter-reason"),
        description: optionalString(body, "deadletter-description"),
        propertiesToModify: modify,
      };
    default:
      throw badRequest(`'disposition-status' must be completed, abandoned, defered or suspended; got '${String(status)}'.`);
  }
}

function encodedMessages(messages: readonly BrokerMessage[], withLockTokens: boolean, omitBody = false): unknown[] {
  return messages.map((message) => {
    const entry: Record<string, unknown> = {
      message: encodeStoredMessage(message, { lockedUntilMs: message.lock?.lockedUntilMs, omitBody }),
    };
    // Tokens on the management node are uuids in RFC 4122 byte order.
    if (withLockTokens && message.lock) entry["lock-token"] = types.wrap_uuid(uuidToBytes(message.lock.token));
    return entry;
  });
}

/**
 * On an entity with sessions, the lock of a session message is its session's: only a request from the
 * connection holding that session's lock may settle or renew it, and a settlement must name the session
 * (`session-id`), as the SDK does. Anything else is SessionLockLost, as Service Bus answers. Unknown tokens are
 * left to the queue (MessageLockLost). Entities without sessions ignore `session-id`: a message may carry a
 * session id on a queue without sessions, and the SDK passes it along.
 */
function assertSessionLocksHeld(
  sessions: SessionRegistry,
  queue: MessageQueue,
  lockTokens: readonly string[],
  requester: { readonly connectionKey: string; readonly sessionId: string | undefined; readonly sessionIdRequired: boolean },
): void {
  for (const token of lockTokens) {
    const message = queue.findLocked(token);
    if (message === undefined) continue;
    const owner = message.sessionId ?? "";
    const named = requester.sessionId ?? (requester.sessionIdRequired ? undefined : owner);
    if (named !== owner) throw sessionLockLost(owner);
    sessions.assertHeldThrough(owner, requester.connectionKey);
  }
}

/**
 * Runs one management operation against the entity that `address` (`<entity>/$management`) names, for a
 * request that came in on the connection `connectionKey`. Broker errors become error responses with an
 * explicit condition, as the SDK needs.
 */
export function handleManagementRequest(
  broker: NamespaceBroker,
  address: string,
  operation: unknown,
  body: unknown,
  connectionKey: string,
): ManagementResponse {
  try {
    const request = (body && typeof body === "object" ? body : {}) as RequestBody;
    const { queue, entity, isDeadLetter } = broker.resolve(address);
    const sessions = entity.kind === "topic" || isDeadLetter ? undefined : entity.sessions;
    const sessionId = optionalString(request, "session-id");
    /** The session registry for an operation that names a session; this connection must hold the session's lock. */
    const lockedSession = (): NonNullable<typeof sessions> => {
      if (!sessions) throw new BrokerError(Conditions.notAllowed, `'${queue.address}' does not require sessions.`, 400);
      if (sessionId === undefined) throw badRequest("The request needs 'session-id'.");
      sessions.assertHeldThrough(sessionId, connectionKey);
      return sessions;
    };
    switch (operation) {
      case "com.microsoft:peek-message": {
        const from = toSequenceNumber(request["from-sequence-number"] ?? 1, "from-sequence-number");
        const count = Number(request["message-count"] ?? 1);
        if (!Number.isInteger(count) || count < 1) throw badRequest("'message-count' must be a positive integer.");
        const messages = queue.peek(from, count, sessionId);
        if (messages.length === 0) return { statusCode: 204, statusDescription: "No messages to peek." };
        return ok({ messages: encodedMessages(messages, false, request["omit-message-body"] === true) });
      }
      case "com.microsoft:renew-lock": {
        const tokens = lockTokenList(request);
        // The SDK sends no session id with renew-lock: only the holding connection is checked.
        if (sessions) assertSessionLocksHeld(sessions, queue, tokens, { connectionKey, sessionId, sessionIdRequired: false });
        const expirations = tokens.map((token) => queue.renewLock(token));
        return ok({ expirations: wrapArray(expirations, AMQP_TYPE.timestamp) });
      }
      case "com.microsoft:schedule-message": {
        const entries = request.messages;
        if (!Array.isArray(entries) || entries.length === 0) throw badRequest("The request needs 'messages' to schedule.");
        const incoming = entries.map((entry) => {
          const encoded = (entry as RequestBody | undefined)?.message;
          if (!Buffer.isBuffer(encoded)) throw badRequest("Each scheduled message needs 'message' as an encoded AMQP message.");
          return decodeIncomingMessage(encoded);
        });
        if (isDeadLetter || entity.kind === "subscription") {
          throw new BrokerError(Conditions.notAllowed, `Messages cannot be scheduled on '${queue.address}': schedule on its queue or topic.`, 400);
        }
        const sequenceNumbers = broker.send(entity.path, incoming);
        return ok({ "sequence-numbers": wrapArray(sequenceNumbers, AMQP_TYPE.long) });
      }
      case "com.microsoft:cancel-scheduled-message":
        queue.cancelScheduled(sequenceNumberList(request, "sequence-numbers"));
        return ok();
      case "com.microsoft:receive-by-sequence-number": {
        const mode: ReceiveMode = Number(request["receiver-settle-mode"] ?? 1) === 0 ? "receiveAndDelete" : "peekLock";
        if (sessionId !== undefined) lockedSession();
        const messages = queue.receiveDeferred(sequenceNumberList(request, "sequence-numbers"), mode, sessionId);
        return ok({ messages: encodedMessages(messages, mode === "peekLock") });
      }
      case "com.microsoft:update-disposition": {
        const settlement = settlementOf(request);
        const tokens = lockTokenList(request);
        if (sessions) {
          if (sessionId !== undefined) lockedSession();
          assertSessionLocksHeld(sessions, queue, tokens, { connectionKey, sessionId, sessionIdRequired: true });
        }
        for (const token of tokens) queue.settle(token, settlement);
        return ok();
      }
      case "com.microsoft:renew-session-lock": {
        const registry = lockedSession();
        return ok({ expiration: new Date(registry.renew(sessionId as string, connectionKey)) });
      }
      case "com.microsoft:get-session-state": {
        const state = lockedSession().getState(sessionId as string, connectionKey);
        return ok({ "session-state": state ?? null });
      }
      case "com.microsoft:set-session-state": {
        const state = request["session-state"];
        if (state !== null && state !== undefined && !Buffer.isBuffer(state)) throw badRequest("'session-state' must be binary or null.");
        lockedSession().setState(sessionId as string, connectionKey, state ?? undefined);
        return ok();
      }
      case "com.microsoft:get-message-sessions": {
        if (!sessions) throw new BrokerError(Conditions.notAllowed, `'${queue.address}' does not require sessions.`, 400);
        const skip = Math.max(0, Number(request.skip ?? 0) || 0);
        const top = Math.max(0, Number(request.top ?? 2 ** 31 - 1) || 0);
        const ids = sessions.sessionIds().slice(skip, skip + top);
        if (ids.length === 0) return { statusCode: 204, statusDescription: "No sessions." };
        return ok({ skip: skip + ids.length, "sessions-ids": ids });
      }
      case "com.microsoft:add-rule":
        broker.addRule(subscriptionOf(broker, address), ruleFromRequest(request));
        return ok();
      case "com.microsoft:remove-rule": {
        const name = request["rule-name"];
        if (typeof name !== "string") throw badRequest("The request needs 'rule-name'.");
        broker.removeRule(subscriptionOf(broker, address), name);
        return ok();
      }
      case "com.microsoft:enumerate-rules": {
        const rules = enumerateRules(subscriptionOf(broker, address), request);
        if (rules.length === 0) return { statusCode: 204, statusDescription: "No rules." };
        return ok({ rules: rules.map((rule) => ({ "rule-description": rule })) });
      }
      default:
        throw new BrokerError(Conditions.notImplemented, `The management operation '${String(operation)}' is not supported by this emulator.`, 501);
    }
  } catch (error) {
    if (error instanceof BrokerError) {
      return { statusCode: error.statusCode, statusDescription: error.description, errorCondition: error.condition };
    }
    if (error instanceof TypeError || error instanceof RangeError) {
      return { statusCode: 400, statusDescription: error.message, errorCondition: Conditions.argumentError };
    }
    throw error;
  }
}
