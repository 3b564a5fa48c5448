/**
 * Names of the sessions on the control queue: `route:<entity>:<session>` for the instance that holds a data
 * session, `reply:<instance>` for the answers an instance waits for. Pure functions.
 */
import { createHash } from "node:crypto";

/** Service Bus's limit on the length of a session id. */
export const MAX_SESSION_ID_LENGTH = 128;

const ROUTE_PREFIX = "route:";
const REPLY_PREFIX = "reply:";
/** Marks the hashed form. `#` cannot occur in an entity path, so no readable route id starts like this. */
const HASHED_PREFIX = `${ROUTE_PREFIX}#:`;
/** What Service Bus allows in queue, topic and subscription names (and so in entity paths): no `:`, no `#`. */
const ENTITY_PATH = /^[a-z0-9._\-/]+$/;

/**
 * The control session of data session `sessionId` of entity `entityPath` (`orders`, or
 * `order-events/Subscriptions/billing`): `route:<entity>:<session>` when that fits in 128 characters, otherwise
 * `route:#:<base64url SHA-256>`. Readable ids cannot be confused: the entity path never contains `:` (the first
 * `:` after the prefix ends it, the session id may contain any character) nor `#` (which marks a hashed id).
 *
 * Entity names are case-insensitive in Service Bus, so the path is lower-cased. Session ids keep their case in
 * the readable form, so the control session follows the data session's own case rules (Service Bus compares
 * both case-insensitively, so `A` and `a` are the same data session and the same control session). The hash
 * cannot do that by itself, so it folds the session id's case, as Service Bus does.
 *
 * @throws RangeError when the entity path is not a valid path or the session id is empty or longer than
 *   Service Bus allows (no such data session can exist).
 */
export function routeSessionId(entityPath: string, sessionId: string): string {
  const entity = entityPath.toLowerCase();
  if (!ENTITY_PATH.test(entity)) throw new RangeError("entityPath must be a Service Bus entity path (letters, digits, '.', '-', '_', '/').");
  if (sessionId.length === 0 || sessionId.length > MAX_SESSION_ID_LENGTH) {
    throw new RangeError(`sessionId must be 1 to ${MAX_SESSION_ID_LENGTH} characters long.`);
  }
  const readable = `${ROUTE_PREFIX}${entity}:${sessionId}`;
  if (readable.length <= MAX_SESSION_ID_LENGTH) return readable;
  // The length prefix keeps (entity, session) pairs apart whatever characters the session id holds.
  const digest = createHash("sha256").update(`${entity.length}:${entity}:${sessionId.toLowerCase()}`, "utf8").digest("base64url");
  return `${HASHED_PREFIX}${digest}`;
}

/** Whether a session id is a route session id (readable or hashed). */
export function isRouteSessionId(value: string): boolean {
  return value.startsWith(ROUTE_PREFIX) && value.length <= MAX_SESSION_ID_LENGTH && value.indexOf(":", ROUTE_PREFIX.length) > ROUTE_PREFIX.length;
}

/**
 * The session on which instance `instanceId` receives the replies to its forwarded calls.
 * @throws RangeError when the id is empty, does not fit in a session id, or contains `:`.
 */
export function replySessionId(instanceId: string): string {
  if (instanceId.length === 0 || instanceId.includes(":") || REPLY_PREFIX.length + instanceId.length > MAX_SESSION_ID_LENGTH) {
    throw new RangeError(`instanceId must be 1 to ${MAX_SESSION_ID_LENGTH - REPLY_PREFIX.length} characters long, without ':'.`);
  }
  return `${REPLY_PREFIX}${instanceId}`;
}
