/**
 * The gateway's own errors: what went wrong, in Service Bus's terms, with no HTTP status and no field
 * pointers. The HTTP edge turns them into problems (http/service-bus-problems.ts), adding where in the
 * request each one points. Errors of the SDK that need no more words pass through unchanged.
 */

/** Why an operation failed. */
export type GatewayFailure =
  /** A message's body does not fit its encoding or content type; `field` is within the message, `messageIndex` its place in a list. */
  | { kind: "invalidMessage"; messageIndex: number | undefined; field: string; reason: string }
  /** A session state does not fit its encoding. */
  | { kind: "invalidSessionState"; reason: string }
  /** A message is larger than the entity accepts, even alone; nothing was sent. */
  | { kind: "messageTooLarge"; messageIndex: number | undefined; limitInBytes: number }
  /** A batch failed after earlier ones were sent (the error's `cause` says why). */
  | { kind: "partiallySent"; sentMessageIds: string[]; total: number }
  /** The entity requires sessions, and no session was asked for. */
  | { kind: "sessionRequired" }
  /** A session was asked for on an entity without sessions, or on a dead-letter sub-queue. */
  | { kind: "sessionNotAllowed"; on: "entity" | "deadLetters" }
  /** A lock token of a session-enabled entity, of no session this instance holds, named without its session id. */
  | { kind: "sessionIdNeeded" }
  /** Another instance holds the session of a message or a session, and did not answer a forwarded call in time (it may have died). */
  | { kind: "holderUnreachable"; subject: "message" | "session"; waitedInMs: number }
  /** This instance does not hold the session of a message (`message`) or a session (`session`). */
  | { kind: "sessionNotHeld"; subject: "message" | "session" }
  /** Service Bus's management API refused or failed a create or delete of a `what`. */
  | { kind: "management"; what: "topic" | "subscription"; status: number | undefined; aborted: boolean; text: string };

/** An error of the gateway. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";

  constructor(
    readonly failure: GatewayFailure,
    options: { cause?: unknown } = {},
  ) {
    super(`Service Bus gateway: ${failure.kind}`, options);
  }
}

/** Type guard by `name`, so it holds across module copies. */
export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof Error && value.name === "GatewayError" && "failure" in value;
}
