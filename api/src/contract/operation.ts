/**
 * The shape of one contract entry. An operation is declared once, as data, and everything else
 * (Express routes and their validation, the OpenAPI document, the connector's Swagger 2.0 in
 * connector/swagger2.ts) is derived from it. No Express, Azure or file-system imports belong in
 * `contract/`.
 */
import type { TObject, TSchema } from "@sinclair/typebox";
import type { ProblemCode } from "../problems/codes.js";
import type { Tag } from "./tags.js";
import type { EntityTarget } from "./entity.js";

/** HTTP methods the contract uses. */
export type HttpMethod = "get" | "post" | "put" | "delete";

/** API-key scopes. */
export type Scope = "send" | "listen" | "manage";

/** How prominent a connector action or parameter is in Power Automate (`x-ms-visibility`). */
export type Visibility = "important" | "advanced" | "internal";

/** Which Service Bus entity an operation acts on (see entity.ts); absent for operations on no single entity (the lists). */
export type { EntityTarget } from "./entity.js";

/**
 * Who may call an operation: a key with every scope listed, whose allow-list covers every entity the
 * operation touches: `entity`, and with `sendsBack` also the entity its messages are sent back to.
 */
export interface OperationAuth<TEntity extends EntityTarget | undefined = EntityTarget | undefined> {
  scopes: Scope[];
  entity?: TEntity;
  /**
   * The operation sends copies of the entity's messages back to the entity they were sent to: the queue
   * itself, or a subscription's topic, from where every subscription whose rules match gets a copy
   * (resubmitting dead letters). The key's allow-list must cover that entity as well.
   */
  sendsBack?: boolean;
  /**
   * The operation's path carries an unguessable capability (a webhook subscription's id), which authorises it:
   * no API key is needed or checked (the platform may call it without one). Declare no scopes.
   */
  capability?: true;
}

/** Request parts; each is a JSON Schema (TypeBox) for its location. */
export interface OperationRequest {
  params?: TObject;
  query?: TObject;
  headers?: TObject;
  body?: TSchema;
  /** Whether a body must be sent; defaults to true when `body` is given. */
  bodyRequired?: boolean;
}

/** A documented response header (Swagger 2.0 `headers` of a response). */
export interface ResponseHeader {
  description: string;
  type: "string" | "integer";
}

/** The one success response of an operation (a connector uses one response with a schema). */
export interface OperationSuccess {
  status: 200 | 201 | 202 | 204;
  description: string;
  schema?: TSchema;
  /** Headers the response carries, by name. */
  headers?: Record<string, ResponseHeader>;
}

/**
 * The "nothing yet" response of a polling trigger: no body, only headers (`Location`, `Retry-After`).
 * A handler returns it with `{ pending: true, headers }`; operations without it cannot.
 */
export interface OperationPending {
  status: 202;
  description: string;
  headers: Record<string, ResponseHeader>;
}

/**
 * A connector dropdown (`x-ms-dynamic-values`): the values come from an internal list operation.
 * Paths are JSON pointers without the leading slash, into that operation's response.
 */
export interface DynamicValuesHint {
  /** The list operation that feeds the dropdown; it should be `internal`. */
  operationId: string;
  /** Where the array of items is, e.g. `value`. */
  valueCollection: string;
  /** The item field that becomes the parameter's value, e.g. `name`. */
  valuePath: string;
  /** The item field shown to the maker. */
  valueTitle: string;
  /**
   * Arguments of the list operation: a fixed value, or `{ parameter }` to pass another parameter of
   * this operation (cascading dropdowns, such as the subscriptions of the chosen topic).
   */
  parameters?: Record<string, string | number | boolean | { parameter: string }>;
}

/**
 * A typed schema fetched at design time (`x-ms-dynamic-schema`, emitted with its companion
 * `x-ms-dynamic-properties`): the schema comes from an internal operation's response.
 */
export interface DynamicSchemaHint {
  /** The operation that returns the schema; it should be `internal`. */
  operationId: string;
  /** Where in its response the schema is, e.g. `schema` (a JSON pointer without the leading slash). */
  valuePath: string;
  /** Arguments: `{ parameter }` passes a parameter of this operation. */
  parameters: Record<string, { parameter: string }>;
}

/** Connector hints of one path, query or header parameter. */
export interface ParameterHint {
  /**
   * Leaves the parameter out of the connector, with the reason. For values the platform supplies
   * itself, such as the `x-ms-workflow-run-id` header Power Automate adds to every call, or the
   * trigger state a polling trigger's `Location` URL carries: a maker must never be asked for them.
   * The API still reads the parameter.
   */
  excludeFromConnector?: string;
  visibility?: Visibility;
  /** Replaces the schema's `x-ms-summary` in the connector. */
  summary?: string;
  dynamicValues?: DynamicValuesHint;
  /** Display names of enum values (`x-ms-enum-values`), keyed by value. */
  enumTitles?: Record<string, string>;
}

/** Connector hints of one request-body or response property. */
export interface PropertyHint {
  visibility?: Visibility;
  /** Replaces the schema's `x-ms-summary` in the connector. */
  summary?: string;
}

/**
 * A polling trigger, server driven: 202 + `Location` (the next poll URL, with the trigger state) +
 * `Retry-After` while nothing is waiting; 200 + an array when messages arrive.
 */
export interface PollingTriggerHint {
  /** `batch`: the response is an array, one flow run per item; `single`: one object. */
  type: "batch" | "single";
  /** `x-ms-trigger-metadata`. */
  metadata: { kind: "query"; mode: "polling" };
  /** `x-ms-trigger-hint`: how a maker sees the trigger fire. */
  hint?: string;
}

/** What a webhook trigger's subscribe operation declares besides being a trigger. */
export interface WebhookHint {
  /**
   * The request-body property the platform fills with the flow's callback URL, keyed like
   * {@link ConnectorHints.properties} (`body/callbackUrl`). It must be a string that is required at every
   * level (and the body itself required); the connector marks it `x-ms-notification-url` and internal.
   */
  callbackUrlProperty: string;
  /**
   * What each callback `POST` carries (`x-ms-notification-content` of the path): one notification, one
   * flow run. Property hints and dynamic schemas keyed `notification/...` apply to this schema.
   */
  notification: { description: string; schema: TSchema };
}

/**
 * A webhook trigger's subscribe operation (a `POST` or `PUT`): the platform calls it with the flow's
 * callback URL when the flow is turned on, and sends a `DELETE` to the URL of its `201` answer's
 * `Location` header when the flow is turned off, changed or deleted. Its success is `201` with a
 * `Location` header, and one operation declares itself the matching delete
 * ({@link ConnectorHints.deletesWebhookOf}) at the subscribe path plus one path parameter.
 */
export interface WebhookTriggerHint {
  /** One notification starts one flow run. */
  type: "single";
  webhook: WebhookHint;
  /** `x-ms-trigger-hint`: how a maker sees the trigger fire. */
  hint?: string;
}

/** Marks an operation as a connector trigger: polling (with `metadata`) or webhook (with `webhook`). */
export type TriggerHint = PollingTriggerHint | WebhookTriggerHint;

/**
 * How an operation appears in the Power Automate connector. Only `visibility` is required; the rest
 * refines the generated Swagger 2.0 (see connector/swagger2.ts). These hints are the only connector
 * input an operation has: shared dropdowns come from contract/pickers.ts.
 */
export interface ConnectorHints {
  /** `x-ms-visibility` of the operation. */
  visibility: Visibility;
  /** Replaces `summary` in the connector (same rules: sentence case, at most 80 characters). */
  summary?: string;
  /** Hints per parameter name (path, query or header). */
  parameters?: Record<string, ParameterHint>;
  /**
   * Hints per property, keyed by a path that starts with `body` (the request body), `response`
   * (the success response) or `notification` (a webhook trigger's notification), then property names
   * separated by `/`; array items are stepped through,
   * so `body/messages/contentType` is `contentType` of each item of `messages`.
   */
  properties?: Record<string, PropertyHint>;
  /** `x-ms-summary` of the body parameter (default "Request"). */
  bodySummary?: string;
  /**
   * Typed schemas by location, keyed like {@link properties}: `body` is the request body itself,
   * `response/event/data` the `data` of each response item's `event`, `notification/event/data` that of
   * a webhook trigger's notification.
   */
  dynamicSchemas?: Record<string, DynamicSchemaHint>;
  /** Present when the operation is a trigger. */
  trigger?: TriggerHint;
  /**
   * The operationId of the webhook trigger whose subscriptions this operation deletes: the `DELETE` the
   * platform sends to the subscribe answer's `Location`. The operation must be a `DELETE` at the
   * trigger's path plus one path parameter, and internal (makers never call it).
   */
  deletesWebhookOf?: string;
}

/** One contract entry; `TEntity` is the kind of entity it acts on, which types its handler's entity. */
export interface OperationDefinition<
  TRequest extends OperationRequest = OperationRequest,
  TSuccess extends OperationSuccess = OperationSuccess,
  TEntity extends EntityTarget | undefined = EntityTarget | undefined,
> {
  /** PascalCase verb-noun; the connector's public contract. */
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/queues/{queue}/messages`. */
  path: string;
  /** Sentence case, at most 80 characters, letters, digits, spaces and parentheses, no trailing period. */
  summary: string;
  /** Full sentences. */
  description: string;
  tags: Tag[];
  request: TRequest;
  success: TSuccess;
  /** Polling triggers only: the response while nothing is waiting. */
  pending?: OperationPending;
  /** Problem codes the operation can return besides the ones every operation can return. */
  problems: ProblemCode[];
  auth: OperationAuth<TEntity>;
  connector: ConnectorHints;
}

/** Any contract entry, with its request and response types erased. */
export type AnyOperation = OperationDefinition;

/** Declares an operation, keeping its schema types and its entity kind for the handler. */
export function defineOperation<TRequest extends OperationRequest, TSuccess extends OperationSuccess, TEntity extends EntityTarget | undefined = undefined>(
  definition: OperationDefinition<TRequest, TSuccess, TEntity>,
): OperationDefinition<TRequest, TSuccess, TEntity> {
  return definition;
}

/** Problems any authenticated operation can return. */
export const COMMON_PROBLEMS: readonly ProblemCode[] = ["ValidationFailed", "Unauthorized", "Forbidden", "InternalError"];

/** Problems of any operation that talks to Service Bus. */
export const SERVICE_BUS_PROBLEMS: readonly ProblemCode[] = ["ServiceBusy", "QuotaExceeded", "ServiceCommunicationProblem", "ServiceTimeout"];
