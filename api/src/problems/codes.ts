/**
 * The one error table of the API: every problem `code` the API can return, with its HTTP status,
 * its title, the detail used when nothing more specific is known, and the Retry-After hint for
 * transient conditions. Statuses follow Power Automate's retry policy: it retries 408, 429 and 5xx and
 * fails fast on other 4xx, so caller mistakes are 4xx and only transient conditions are 429/5xx.
 * Codes reuse `ServiceBusErrorCode` names where one exists.
 */

/** A problem code and its HTTP rendering. */
export interface ProblemDefinition {
  readonly status: number;
  readonly title: string;
  /** Default `detail`; safe to show to any caller (never internal text). */
  readonly detail: string;
  /** Seconds for the `Retry-After` header, for conditions worth retrying. */
  readonly retryAfterSeconds?: number;
}

/** Every problem the API returns. Keys are the stable `code` member of problem responses. */
export const PROBLEMS = {
  ValidationFailed: {
    status: 400,
    title: "The request is not valid",
    detail: "One or more fields are missing or invalid; see errors for each field.",
  },
  MalformedRequest: {
    status: 400,
    title: "The request is not valid HTTP",
    detail: "The request line or a header could not be parsed as HTTP/1.1. Check the method, the path and the header names and values.",
  },
  Unauthorized: {
    status: 401,
    title: "An API key is required",
    detail: "Send a valid API key in the X-API-Key header.",
  },
  Forbidden: {
    status: 403,
    title: "The API key is not allowed to do this",
    detail: "The API key lacks a scope or right this operation needs.",
  },
  RouteNotFound: {
    status: 404,
    title: "No such operation",
    detail: "No operation exists at this method and path; see /openapi.json for the operations.",
  },
  MessagingEntityNotFound: {
    status: 404,
    title: "The entity does not exist",
    detail: "The queue, topic or subscription does not exist, or this API does not expose it to this API key.",
  },
  EventTypeNotFound: {
    status: 404,
    title: "The event type does not exist",
    detail: "The event type (or the requested version of it) is not in the event catalog; see ListEventTypes.",
  },
  WebhookSubscriptionNotFound: {
    status: 404,
    title: "The webhook subscription was not found",
    detail: "No webhook subscription of this entity has this id: it was deleted, or the id is wrong.",
  },
  MessageNotFound: {
    status: 404,
    title: "The message was not found",
    detail: "No message with the given sequence number is available in the requested state.",
  },
  RequestTimeout: {
    status: 408,
    title: "The request took too long to arrive",
    detail: "The request's headers or body did not arrive in time. Send the request again.",
  },
  SessionCannotBeLocked: {
    status: 409,
    title: "The session is locked by another receiver",
    detail: "Another receiver holds the lock on this session; try another session or try again later.",
  },
  MessagingEntityDisabled: {
    status: 409,
    title: "The entity is disabled",
    detail: "The queue, topic or subscription is disabled; an administrator must enable it.",
  },
  MessagingEntityAlreadyExists: {
    status: 409,
    title: "The entity already exists",
    detail: "An entity with this name already exists.",
  },
  SubscriptionIsConfigured: {
    status: 409,
    title: "The subscription is part of the configuration",
    detail:
      "The API's configuration names this subscription, so it cannot be replaced or deleted through the API. Only subscriptions created through the API can be; an administrator changes configured ones.",
  },
  MessageLockLost: {
    status: 410,
    title: "The message lock was lost",
    detail: "The lock token is unknown or expired, or the message was already settled. Receive the message again; it is redelivered after its lock expires.",
  },
  SessionLockLost: {
    status: 410,
    title: "The session lock was lost",
    detail: "The session lock expired or was released. Accept the session again.",
  },
  SessionIdRequired: {
    status: 400,
    title: "The entity requires a session id",
    detail: "The entity has sessions enabled, so Service Bus accepts only messages with a sessionId. Set sessionId on every message.",
  },
  MessageSizeExceeded: {
    status: 413,
    title: "The message is too large",
    detail:
      "The message is larger than the limit. Store the payload elsewhere (for example in Blob Storage) and send a reference to it instead (the claim-check pattern).",
  },
  RequestHeadersTooLarge: {
    status: 431,
    title: "The request's headers are too large",
    detail: "The request line and headers together are larger than this API accepts. Shorten the path, the query or the headers.",
  },
  ServiceBusy: {
    status: 429,
    title: "Service Bus is busy",
    detail: "Service Bus is throttling requests. Retry after the time given in Retry-After.",
    retryAfterSeconds: 10,
  },
  QuotaExceeded: {
    status: 429,
    title: "A Service Bus quota was exceeded",
    detail: "The entity is full or a namespace quota is reached. Retry after the time given in Retry-After.",
    retryAfterSeconds: 30,
  },
  InternalError: {
    status: 500,
    title: "Internal error",
    detail: "The request failed because of an internal error. Quote the request id when reporting it.",
  },
  ServiceCommunicationProblem: {
    status: 503,
    title: "Service Bus is unreachable",
    detail: "The API could not reach Service Bus. Retry after the time given in Retry-After.",
    retryAfterSeconds: 5,
  },
  WebhooksNotConfigured: {
    status: 501,
    title: "Webhook triggers are not configured",
    detail:
      "This API has no webhook callback key, so it cannot store callback URLs: set WEBHOOK_CALLBACK_KEY (the same 32-byte key, base64, on every instance) and create the control queue.",
  },
  ServiceTimeout: {
    status: 504,
    title: "Service Bus did not answer in time",
    detail: "Service Bus did not answer in time. Retry after the time given in Retry-After.",
    retryAfterSeconds: 5,
  },
} as const satisfies Record<string, ProblemDefinition>;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEMS;

/** All problem codes, in table order. */
export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

/** The table entry of a code. */
export function problemDefinition(code: ProblemCode): ProblemDefinition {
  return PROBLEMS[code];
}

/** Whether a string is one of the table's codes. */
export function isProblemCode(value: string): value is ProblemCode {
  return Object.hasOwn(PROBLEMS, value);
}
