/**
 * What an error of the Azure SDK says, read in one place: its Service Bus code, and the few refusals
 * Service Bus words only in its text. The SDK's errors are checked by `name` and `code`, not
 * `instanceof`, as the SDK's own `isServiceBusError` does.
 */

/**
 * The Service Bus code of an error thrown by `@azure/service-bus`, or undefined when the value is not a
 * Service Bus error. Besides `ServiceBusError` the SDK lets through core-amqp's `MessagingError` (a
 * socket-level failure such as a refused connection carries the system call in `syscall`: Service Bus is
 * unreachable, `ServiceCommunicationProblem`) and, when its retries run out, an `AggregateError` of the
 * attempts' errors, of which the last one decides.
 */
export function serviceBusCodeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, code, syscall, errors } = error as { name?: unknown; code?: unknown; syscall?: unknown; errors?: unknown };
  if (name === "AggregateError" && Array.isArray(errors)) {
    return errors.length === 0 ? undefined : serviceBusCodeOf(errors[errors.length - 1]);
  }
  if (name !== "ServiceBusError" && name !== "MessagingError") return undefined;
  if (typeof syscall === "string") return "ServiceCommunicationProblem";
  return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown): string {
  return String((error as { message?: unknown } | null)?.message ?? "");
}

/**
 * Service Bus's refusal of a message without a session id by an entity that requires sessions (an
 * InvalidOperation, which the SDK reports as a GeneralError).
 */
export function isSessionIdMissing(error: unknown): boolean {
  return serviceBusCodeOf(error) === "GeneralError" && /The SessionId was not set on a message/.test(messageOf(error));
}

/**
 * A receiver that does not fit its entity, as Service Bus refuses the link: `required` (a receiver
 * without a session on an entity that requires sessions), `notAllowed` (a session receiver on one that
 * does not), or undefined for other errors. The SDK reports both as GeneralError.
 */
export function sessionMismatchOf(error: unknown): "required" | "notAllowed" | undefined {
  const message = error instanceof Error ? error.message : "";
  if (/requires sessions to create a non-sessionful/i.test(message)) return "required";
  if (/does not require sessions to create a sessionful/i.test(message)) return "notAllowed";
  return undefined;
}

/** Whether the error says a message's or session's lock is lost. */
export function isLockLost(error: unknown): boolean {
  const code = serviceBusCodeOf(error);
  return code === "MessageLockLost" || code === "SessionLockLost";
}

/** Whether accepting the next available session found none (it timed out, or every session is locked). */
export function isNoSessionAvailable(error: unknown): boolean {
  const code = serviceBusCodeOf(error);
  return code === "ServiceTimeout" || code === "SessionCannotBeLocked";
}
