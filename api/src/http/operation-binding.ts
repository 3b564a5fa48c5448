/**
 * Binds a contract operation to its handler. The handler's input and output types come from the
 * operation's schemas, so no request or response type is written by hand.
 */
import type { Static, TSchema } from "@sinclair/typebox";
import type { ApiKeyRecord } from "../auth/api-keys.js";
import type { EntityOf, EntityTarget } from "../contract/entity.js";
import type { OperationDefinition, OperationRequest, OperationSuccess } from "../contract/operation.js";
import type { ApiLogger } from "../logger.js";

type StaticOr<T, D> = T extends TSchema ? Static<T> : D;

/** What a handler receives: validated request parts, the caller, and the entity the operation acts on. */
export interface HandlerInput<R extends OperationRequest, T extends EntityTarget | undefined = EntityTarget | undefined> {
  params: StaticOr<R["params"], Record<string, never>>;
  query: StaticOr<R["query"], Record<string, never>>;
  /** The headers the operation declares, by lower-case name. */
  headers: StaticOr<R["headers"], Record<string, never>>;
  /** Undefined when the operation's body is optional and none was sent. */
  body: R["bodyRequired"] extends false ? StaticOr<R["body"], undefined> | undefined : StaticOr<R["body"], undefined>;
  apiKey: ApiKeyRecord;
  /** The exposed entity the operation acts on, in its configured spelling, resolved before the handler runs. */
  entity: EntityOf<T>;
  /** The URL the caller used (scheme and host as the request names them), for links such as a trigger's `Location`. */
  requestUrl: URL;
  log: ApiLogger;
}

/** A polling trigger's "nothing yet": the operation's `pending` status, headers only. */
export interface PendingResult {
  pending: true;
  headers: Record<string, string>;
}

/**
 * What a handler returns: the success body (when the operation declares one) and extra headers, or,
 * for operations that declare `pending`, a {@link PendingResult}.
 */
export type HandlerResult<S extends OperationSuccess> =
  | (S["schema"] extends TSchema ? { body: Static<S["schema"]>; headers?: Record<string, string> } : { body?: undefined; headers?: Record<string, string> })
  | PendingResult;

/** A handler of one operation. */
export type OperationHandler<R extends OperationRequest, S extends OperationSuccess, T extends EntityTarget | undefined> = (
  input: HandlerInput<R, T>,
) => Promise<HandlerResult<S>>;

/** What any handler returns, types erased. */
export interface OperationResult {
  body?: unknown;
  headers?: Record<string, string>;
  pending?: true;
}

/** An operation with its handler, types erased for mounting. */
export interface OperationBinding {
  operation: OperationDefinition;
  handle(input: HandlerInput<OperationRequest>): Promise<OperationResult>;
}

/** Pairs an operation with its handler. */
export function bindOperation<R extends OperationRequest, S extends OperationSuccess, T extends EntityTarget | undefined>(
  operation: OperationDefinition<R, S, T>,
  handler: OperationHandler<R, S, T>,
): OperationBinding {
  return {
    operation,
    // The router validates the request against the same operation's schemas before calling this,
    // which is what makes the input's static types true.
    handle: (input) => handler(input as unknown as HandlerInput<R, T>),
  };
}
