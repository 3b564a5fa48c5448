/**
 * The one error type of the management API. The admin backend throws it for missing, duplicate and invalid
 * entities; the HTTP layer turns it into the status and `<Error><Code/><Detail/></Error>` body that
 * `ServiceBusAdministrationClient` maps to its error codes (404 -> `MessageEntityNotFoundError`,
 * 409 on a create -> `MessageEntityAlreadyExistsError`, 401 -> `UnauthorizedRequestError`, 400 -> `ServiceError`).
 */

/** HTTP statuses the management API answers errors with. */
export type AdminErrorStatus = 400 | 401 | 404 | 405 | 409 | 413;

/** What kind of entity a message is about, as Service Bus names them in its error texts. */
export type AdminEntityKind = "Queue" | "Topic" | "Subscription" | "Rule" | "Queue or topic";

/** A management API failure with the HTTP status it is reported with. */
export class AdminError extends Error {
  override readonly name = "AdminError";

  constructor(
    readonly status: AdminErrorStatus,
    message: string,
  ) {
    super(message);
  }

  /** 404: `kind` `path` (e.g. `orders` or `orders/Subscriptions/audit`) does not exist. */
  static notFound(kind: AdminEntityKind, path: string): AdminError {
    return new AdminError(404, `The messaging entity '${path}' (${kind.toLowerCase()}) could not be found.`);
  }

  /** 409: `kind` `path` already exists (names are case-insensitive). */
  static alreadyExists(kind: AdminEntityKind, path: string): AdminError {
    return new AdminError(409, `The messaging entity '${path}' (${kind.toLowerCase()}) already exists.`);
  }

  /** 400: the request is well-formed but asks for something invalid. */
  static invalid(message: string): AdminError {
    return new AdminError(400, message);
  }
}
