import type { ProblemCode } from "./codes.js";

/**
 * Maps a `ServiceBusError.code` to a problem code. Codes that are not the caller's doing and not
 * transient (`UnauthorizedAccess`: the API's own Service Bus credentials are refused; `GeneralError`)
 * become `InternalError`, so their text never reaches callers.
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

/**
 * Service Bus's refusal of a message without a session id by an entity that requires sessions (an
 * InvalidOperation, which the SDK reports as a GeneralError): the caller's mistake, not an internal error.
 */
const SESSION_ID_MISSING = /The SessionId was not set on a message/;

/**
 * The problem code for an error thrown by `@azure/service-bus`, or undefined when the value is not a
 * Service Bus error. Checks `name` and `code`, not `instanceof`, as the SDK's own `isServiceBusError` does.
 * Besides `ServiceBusError` the SDK lets through core-amqp's `MessagingError` (a socket-level failure
 * such as a refused connection carries the system call in `syscall`: Service Bus is unreachable) and,
 * when its retries run out, an `AggregateError` of the attempts' errors, of which the last one decides.
 */
export function problemCodeForServiceBusError(error: unknown): ProblemCode | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, code, syscall, errors } = error as { name?: unknown; code?: unknown; syscall?: unknown; errors?: unknown };
  if (name === "AggregateError" && Array.isArray(errors)) {
    return errors.length === 0 ? undefined : problemCodeForServiceBusError(errors[errors.length - 1]);
  }
  if (name !== "ServiceBusError" && name !== "MessagingError") return undefined;
  if (typeof syscall === "string") return "ServiceCommunicationProblem";
  if (typeof code !== "string") return undefined;
  if (code === "GeneralError" && SESSION_ID_MISSING.test(String((error as { message?: unknown }).message))) return "SessionIdRequired";
  return SERVICE_BUS_CODE_TO_PROBLEM[code] ?? "InternalError";
}

/** The Service Bus codes the API maps, for tests and documentation. */
export const MAPPED_SERVICE_BUS_CODES = Object.keys(SERVICE_BUS_CODE_TO_PROBLEM);
