/**
 * The shape of one contract entry. An operation is declared once, as data, and everything else
 * (Express routes and their validation, the OpenAPI document, later the connector's Swagger 2.0) is
 * derived from it. No Express, Azure or file-system imports belong in `contract/`.
 */
import type { TObject, TSchema } from "@sinclair/typebox";
import type { ProblemCode } from "../problems/codes.js";

/** HTTP methods the contract uses. */
export type HttpMethod = "get" | "post" | "put" | "delete";

/** API-key scopes. */
export type Scope = "send" | "listen" | "manage";

/** How prominent a connector action or parameter is in Power Automate (`x-ms-visibility`). */
export type Visibility = "important" | "advanced" | "internal";

/**
 * Which Service Bus entity the operation acts on, taken from its path parameters:
 * `send` = `entity` (a queue or topic), `queue` = `queue`, `subscription` = `topic` + `subscription`.
 * Absent for operations that act on no single entity (the list operations).
 */
export type EntityTarget = "send" | "queue" | "subscription";

/** Request parts; each is a JSON Schema (TypeBox) for its location. */
export interface OperationRequest {
  params?: TObject;
  query?: TObject;
  headers?: TObject;
  body?: TSchema;
  /** Whether a body must be sent; defaults to true when `body` is given. */
  bodyRequired?: boolean;
}

/** The one success response of an operation (a connector uses one response with a schema). */
export interface OperationSuccess {
  status: 200 | 201 | 202 | 204;
  description: string;
  schema?: TSchema;
}

/** One contract entry. */
export interface OperationDefinition<TRequest extends OperationRequest = OperationRequest, TSuccess extends OperationSuccess = OperationSuccess> {
  /** PascalCase verb-noun; the connector's public contract. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/queues/{queue}/messages`. */
  path: string;
  /** Sentence case, at most 80 characters, letters, digits, spaces and parentheses, no trailing period. */
  summary: string;
  /** Full sentences. */
  description: string;
  tags: string[];
  request: TRequest;
  success: TSuccess;
  /** Problem codes the operation can return besides the ones every operation can return. */
  problems: ProblemCode[];
  auth: { scopes: Scope[]; entity?: EntityTarget };
  connector: { visibility: Visibility };
}

/** Any contract entry, with its request and response types erased. */
export type AnyOperation = OperationDefinition;

/** Declares an operation, keeping its schema types for the handler. */
export function defineOperation<TRequest extends OperationRequest, TSuccess extends OperationSuccess>(
  definition: OperationDefinition<TRequest, TSuccess>,
): OperationDefinition<TRequest, TSuccess> {
  return definition;
}

/** Problems any authenticated operation can return. */
export const COMMON_PROBLEMS: readonly ProblemCode[] = ["ValidationFailed", "Unauthorized", "Forbidden", "InternalError"];

/** Problems of any operation that talks to Service Bus. */
export const SERVICE_BUS_PROBLEMS: readonly ProblemCode[] = ["ServiceBusy", "QuotaExceeded", "ServiceCommunicationProblem", "ServiceTimeout"];
