/**
 * The one place Service Bus errors become problems: errors of the SDK by their Service Bus code, and
 * the gateway's own errors (servicebus/gateway-error.ts) by their kind, with the request field each one
 * points at. Text from Service Bus reaches callers only where it describes their own input (a SQL filter
 * Service Bus refused).
 */
import type { ProblemCode } from "../problems/codes.js";
import { ProblemError, invalidField } from "../problems/problem-error.js";
import type { GatewayError, GatewayFailure } from "../servicebus/gateway-error.js";
import { isGatewayError } from "../servicebus/gateway-error.js";
import { managementError } from "../servicebus/admin-management.js";
import { isSessionIdMissing, serviceBusCodeOf } from "../servicebus/service-bus-errors.js";

/**
 * A Service Bus code -> a problem code. Codes that are not the caller's doing and not transient
 * (`UnauthorizedAccess`: the API's own Service Bus credentials are refused; `GeneralError`) become
 * `InternalError`, as do codes not listed, so their text never reaches callers.
 */
const SERVICE_BUS_CODE_TO_PROBLEM: Readonly<Record<string, ProblemCode>> = {
  MessagingEntityNotFound: "MessagingEntityNotFound",
  MessageNotFound: "MessageNotFound",
  MessageLockLost: "MessageLockLost",
  SessionLockLost: "SessionLockLost",
  SessionCannotBeLocked: "SessionCannotBeLocked",
  MessageSizeExceeded: "MessageSizeExceeded",
  MessagingEntityDisabled: "MessagingEntityDisabled",
  MessagingEntityAlreadyExists: "MessagingEntityAlreadyExists",
  QuotaExceeded: "QuotaExceeded",
  ServiceBusy: "ServiceBusy",
  ServiceTimeout: "ServiceTimeout",
  ServiceCommunicationProblem: "ServiceCommunicationProblem",
  UnauthorizedAccess: "InternalError",
  GeneralError: "InternalError",
};

/** The Service Bus codes the API maps, for tests and documentation. */
export const MAPPED_SERVICE_BUS_CODES = Object.keys(SERVICE_BUS_CODE_TO_PROBLEM);

/** The problem code of an error thrown by `@azure/service-bus`, or undefined when the value is not a Service Bus error. */
export function problemCodeForServiceBusError(error: unknown): ProblemCode | undefined {
  const code = serviceBusCodeOf(error);
  if (code === undefined) return undefined;
  if (isSessionIdMissing(error)) return "SessionIdRequired";
  return SERVICE_BUS_CODE_TO_PROBLEM[code] ?? "InternalError";
}

const CLAIM_CHECK = "Store the payload elsewhere (for example in Blob Storage) and send a reference to it instead (the claim-check pattern).";

const SESSION_NOT_HELD = {
  message:
    "The message belongs to a session this instance of the API does not hold: the session was released (closed, or idle for too long), its lock expired, " +
    "or another instance received the message. Session messages can only be settled through the instance holding their session; receive from the session again.",
  session:
    "This instance of the API does not hold the session: it was never received from here, was closed or released after being idle, or its lock expired. Receive from the session again.",
} as const;

/** The JSON pointer of a field of an outgoing message: at the body's root for a single message, under `messages` for a list. */
function messagePointer(messageIndex: number | undefined, field: string): string {
  return messageIndex === undefined ? `/${field}` : `/messages/${messageIndex}/${field}`;
}

/** A problem for a failed management write; texts of caller mistakes (bad SQL) are passed on, others are not. */
function problemOfManagementFailure({ what, status, aborted, text }: Extract<GatewayFailure, { kind: "management" }>, cause: unknown): ProblemError {
  if (aborted) return new ProblemError("ServiceTimeout", { cause });
  switch (status) {
    case 400:
      return invalidField("body", "", `was refused by Service Bus: ${text || `the ${what} is not valid`}`, cause);
    case 404:
      return new ProblemError("MessagingEntityNotFound", { detail: `The ${what} does not exist in Service Bus.`, cause });
    case 409:
      return new ProblemError("MessagingEntityAlreadyExists", { detail: `The ${what} already exists.`, cause });
    case 429:
      return new ProblemError("ServiceBusy", { cause });
    case undefined:
    case 502:
    case 503:
    case 504:
      return new ProblemError("ServiceCommunicationProblem", {
        detail: "Service Bus's management API did not answer. Retry after the time given in Retry-After.",
        cause,
      });
    default:
      // 401/403 (the API's own credentials lack Manage rights) and other server errors: not the caller's doing.
      return new ProblemError("InternalError", { cause });
  }
}

/** The problem of a gateway error, pointing at the request field it is about. */
function problemOfGatewayError(error: GatewayError): ProblemError {
  const { failure } = error;
  const cause: unknown = error;
  switch (failure.kind) {
    case "invalidMessage":
      return invalidField("body", messagePointer(failure.messageIndex, failure.field), failure.reason, cause);
    case "invalidSessionState":
      return invalidField("body", "/state", failure.reason, cause);
    case "messageTooLarge": {
      const { messageIndex: index, limitInBytes } = failure;
      return new ProblemError("MessageSizeExceeded", {
        detail: `${index === undefined ? "The message" : `Message ${index}`} is larger than the entity's limit of ${limitInBytes} bytes (including its properties). ${CLAIM_CHECK}`,
        extensions: { limitInBytes, ...(index === undefined ? {} : { index }) },
        cause,
      });
    }
    case "partiallySent": {
      const sent = failure.sentMessageIds.length;
      return new ProblemError(problemCodeForServiceBusError(error.cause) ?? "InternalError", {
        detail: `Only the first ${sent} of ${failure.total} messages were sent; sentMessageIds lists them. Retry the others.`,
        extensions: { sentMessageIds: failure.sentMessageIds },
        cause,
      });
    }
    case "sessionRequired":
      return invalidField("query", "/sessionId", "is required: the entity requires sessions; give a session id, or * for the next available session", cause);
    case "sessionNotAllowed":
      return invalidField(
        "query",
        "/sessionId",
        failure.on === "deadLetters"
          ? "must be omitted for the dead-letter sub-queue, which has no sessions"
          : "must be omitted: the entity does not require sessions",
        cause,
      );
    case "sessionIdNeeded":
      return new ProblemError("SessionIdRequired", {
        detail:
          "The lock token belongs to a session-enabled entity, and this instance of the API holds no session that received it. " +
          "Give the message's sessionId (returned with the message by the receive or the trigger), so the call reaches the instance holding its session.",
        errors: { query: [{ field: "/sessionId", message: "is required for a message of a session this instance does not hold" }] },
        cause,
      });
    case "holderUnreachable":
      return new ProblemError("SessionLockLost", {
        detail:
          `Another instance of the API holds the ${failure.subject === "message" ? "message's session" : "session"} and did not answer within ${Math.round(failure.waitedInMs / 1000)} s: ` +
          "it may have stopped, and its locks are lost. Once the session's lock expires, receive from the session again (its unsettled messages come back).",
        cause,
      });
    case "sessionNotHeld":
      return new ProblemError("SessionLockLost", { detail: SESSION_NOT_HELD[failure.subject], cause });
    case "management":
      return problemOfManagementFailure(failure, cause);
  }
}

/** The problem of a Service Bus error (the SDK's or the gateway's), or undefined when the value is neither. */
export function serviceBusProblem(error: unknown): ProblemError | undefined {
  if (isGatewayError(error)) return problemOfGatewayError(error);
  const code = problemCodeForServiceBusError(error);
  return code === undefined ? undefined : new ProblemError(code, { cause: error });
}

/** The problem of a failed management write (as {@link serviceBusProblem} gives it for the gateway's error). */
export function managementProblem(error: unknown, what: "topic" | "subscription"): ProblemError {
  return problemOfGatewayError(managementError(error, what));
}
