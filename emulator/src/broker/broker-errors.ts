/**
 * The AMQP error conditions the emulator sends, each the one that `@azure/service-bus` translates into the
 * matching `ServiceBusError.code` (the SDK's condition-to-code table, in its `serviceBusError` module).
 */
export const Conditions = {
  messageLockLost: "com.microsoft:message-lock-lost",
  sessionLockLost: "com.microsoft:session-lock-lost",
  sessionCannotBeLocked: "com.microsoft:session-cannot-be-locked",
  notFound: "amqp:not-found",
  messageNotFound: "com.microsoft:message-not-found",
  messageSizeExceeded: "amqp:link:message-size-exceeded",
  entityAlreadyExists: "com.microsoft:entity-already-exists",
  notAllowed: "amqp:not-allowed",
  notImplemented: "amqp:not-implemented",
  unauthorizedAccess: "amqp:unauthorized-access",
  argumentError: "com.microsoft:argument-error",
  internalError: "amqp:internal-error",
  timeout: "com.microsoft:timeout",
  serverBusy: "com.microsoft:server-busy",
} as const;

export type Condition = (typeof Conditions)[keyof typeof Conditions];

/** An error the broker raises for the client, carrying the AMQP condition and a management status code. */
export class BrokerError extends Error {
  override readonly name = "BrokerError";
  constructor(
    readonly condition: Condition,
    readonly description: string,
    readonly statusCode: number,
  ) {
    super(description);
  }
}

/** The error `@azure/service-bus` maps to `MessagingEntityNotFound`: the description pattern matters. */
export function entityNotFound(path: string): BrokerError {
  return new BrokerError(Conditions.notFound, `The messaging entity 'sb://emulator/${path}' could not be found.`, 404);
}

/** The service's text for a settlement of an expired, unknown or already settled lock. */
export function messageLockLost(): BrokerError {
  return new BrokerError(
    Conditions.messageLockLost,
    "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
    410,
  );
}
