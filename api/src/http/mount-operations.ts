/**
 * Mounts the contract's operations on an Express router. Every request of an operation passes the same
 * named steps, in this order: {@link authenticate} (401, and 403 for a missing scope), {@link readBody}
 * (only now, so nothing is read for a caller without a valid key), {@link validate} (400),
 * {@link resolveEntity} (404), {@link authorise} (404 for the operation's own entity outside the key's allow-list, exactly as
 * for one that does not exist, so a key cannot tell the two apart; 403 for another entity the operation also
 * touches, which the key already knows, such as a subscription's topic on resubmit), then
 * the handler, and {@link respond}. An operation authorised by a capability in its path (a webhook subscription's
 * delete) skips authenticate and authorise: its unguessable id is the authorisation. Its body limit still applies.
 */
import express, { Router } from "express";
import type { Request, Response } from "express";
import type { ApiKeyRecord } from "../auth/api-keys.js";
import { findApiKey, hasScopes } from "../auth/api-keys.js";
import { DEFAULT_JSON_BODY_LIMIT_IN_BYTES } from "../config/body-limit.js";
import type { ExposedEntities } from "../config/exposed-entities.js";
import type { EntraIdAuthenticator } from "../auth/entra-id.js";
import { allowListCovers, findQueue, findSendEntity, findSubscription } from "../config/exposed-entities.js";
import { entityName, sendEntityOf } from "../contract/entity.js";
import type { Entity, EntityOf, EntityTarget, SubQueue } from "../contract/entity.js";
import type { AnyOperation } from "../contract/operation.js";
import { ProblemError } from "../problems/problem-error.js";
import { normaliseLockTokens } from "./lock-tokens.js";
import type { OperationBinding, OperationResult } from "./operation-binding.js";
import { requestContextOf } from "./request-context.js";
import { requestUrl } from "./request-origin.js";
import { compileOperationValidator, createRequestAjv } from "./validation.js";
import type { OperationValidator, RawRequest } from "./validation.js";

/** Options of {@link operationsRouter}. */
export interface OperationsRouterOptions {
  bindings: readonly OperationBinding[];
  apiKeys: readonly ApiKeyRecord[];
  /** Microsoft Entra ID bearer tokens, when configured (`auth.entraId`). */
  entraId?: EntraIdAuthenticator;
  entities: ExposedEntities;
  jsonBodyLimitInBytes?: number;
}

/** `/queues/{queue}/peek` -> `/queues/:queue/peek`. */
export function toExpressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

/** The caller of an operation its path's capability authorises: no key, no scopes, no entities. */
const CAPABILITY_CALLER: ApiKeyRecord = { name: "(capability in the path)", sha256: "", scopes: [], entities: [] };

/** Step 1: the caller's API key, which must have every scope the operation needs. */
async function authenticate(req: Request, res: Response, options: OperationsRouterOptions, operation: AnyOperation): Promise<ApiKeyRecord> {
  const bearer = req.get("x-api-key") === undefined ? await options.entraId?.authenticate(req.get("authorization")) : undefined;
  const apiKey = bearer?.kind === "valid" ? bearer.principal : findApiKey(options.apiKeys, req.get("x-api-key"));
  if (!apiKey) {
    if (bearer?.kind === "invalid") requestContextOf(res).log.info({ reason: bearer.reason }, "bearer token refused");
    if (options.entraId) res.setHeader("WWW-Authenticate", bearer?.kind === "invalid" ? 'Bearer error="invalid_token"' : "Bearer");
    throw new ProblemError("Unauthorized");
  }
  if (!hasScopes(apiKey, operation.auth.scopes)) {
    throw new ProblemError("Forbidden", { detail: `This operation needs an API key with the scopes: ${operation.auth.scopes.join(", ")}.` });
  }
  return apiKey;
}

/** Step 2: reads a JSON body (application/json or any +json type) into `req.body`, within the size limit. */
type BodyReader = (req: Request, res: Response) => Promise<void>;

function bodyReader(limitInBytes: number): BodyReader {
  const parse = express.json({ limit: limitInBytes, type: ["application/json", "application/*+json"] });
  return (req, res) => new Promise((resolve, reject) => parse(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
}

/** The request headers the operation declares (by lower-case name); only those reach validation and the handler. */
function declaredHeaders(req: Request, operation: AnyOperation): Record<string, unknown> {
  const declared = Object.keys(operation.request.headers?.properties ?? {});
  const headers: Record<string, unknown> = {};
  for (const name of declared) {
    const value = req.get(name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/** Step 3: the request parts, validated against the operation's schemas (coerced, defaults applied), lock tokens in their one spelling. */
function validate(req: Request, operation: AnyOperation, validator: OperationValidator): RawRequest & { headers: Record<string, unknown> } {
  const request = {
    params: { ...req.params } as Record<string, unknown>,
    query: { ...(req.query as Record<string, unknown>) },
    headers: declaredHeaders(req, operation),
    body: req.body as unknown,
  };
  const errors = validator.validate(request) ?? normaliseLockTokens(request);
  if (errors) throw new ProblemError("ValidationFailed", { errors });
  return request;
}

function stringParam(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  return typeof value === "string" ? value : "";
}

/** The sub-queue a request names (`subQueue`, validated), or the main entity. */
function subQueueOf(query: Record<string, unknown>): SubQueue {
  return query["subQueue"] === "deadLetter" ? "deadLetter" : "main";
}

/**
 * Step 4: the exposed entity the request names (path parameters, and `subQueue` for queues and
 * subscriptions), in its configured spelling, or a 404 problem. Handlers get it as it is.
 */
export function resolveEntity(
  target: EntityTarget | undefined,
  { params, query }: Pick<RawRequest, "params" | "query">,
  entities: ExposedEntities,
): EntityOf<EntityTarget | undefined> {
  switch (target) {
    case undefined:
      return undefined;
    case "send":
      return found(findSendEntity(entities, stringParam(params, "entity")));
    case "queue":
      return { ...found(findQueue(entities, stringParam(params, "queue"))), subQueue: subQueueOf(query) };
    case "subscription":
      return { ...found(findSubscription(entities, stringParam(params, "topic"), stringParam(params, "subscription"))), subQueue: subQueueOf(query) };
  }
}

function found<T extends Entity>(entity: T | undefined): T {
  if (!entity) throw new ProblemError("MessagingEntityNotFound");
  return entity;
}

/** Every entity an operation touches: its own, and the one it sends messages back to. */
function touchedEntities(operation: AnyOperation, entity: Entity | undefined): Entity[] {
  if (!entity) return [];
  return operation.auth.sendsBack ? [entity, sendEntityOf(entity)] : [entity];
}

/** Step 5: the key's allow-list must cover every entity the operation touches. */
function authorise(apiKey: ApiKeyRecord, operation: AnyOperation, entity: Entity | undefined): void {
  const [own, ...others] = touchedEntities(operation, entity);
  // Not in the allow-list answers as not there: a key learns nothing about entities it may not use.
  if (own && !allowListCovers(apiKey.entities, own)) throw new ProblemError("MessagingEntityNotFound");
  const refused = others.find((other) => !allowListCovers(apiKey.entities, other));
  if (refused) {
    throw new ProblemError("Forbidden", {
      detail: `This operation also sends messages to '${entityName(refused)}', which the API key is not allowed to use.`,
    });
  }
}

/** Step 6: writes the handler's result as the operation's success (or, for polling triggers, pending) response. */
function respond(res: Response, operation: AnyOperation, result: OperationResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.pending) {
    // Only operations that declare a pending response (polling triggers) may answer with it.
    if (!operation.pending) throw new TypeError(`${operation.operationId} returned a pending result but declares no pending response.`);
    res.status(operation.pending.status).end();
    return;
  }
  if (operation.success.schema) res.status(operation.success.status).json(result.body);
  else res.status(operation.success.status).end();
}

/** The Express handler of one operation: its steps, in order. */
function handlerFor(binding: OperationBinding, validator: OperationValidator, readBody: BodyReader, options: OperationsRouterOptions) {
  const { operation } = binding;
  return async (req: Request, res: Response): Promise<void> => {
    const context = requestContextOf(res);
    const apiKey = operation.auth.capability ? CAPABILITY_CALLER : await authenticate(req, res, options, operation);
    context.apiKeyName = apiKey.name;
    await readBody(req, res);
    const request = validate(req, operation, validator);
    const entity = resolveEntity(operation.auth.entity, request, options.entities);
    if (!operation.auth.capability) authorise(apiKey, operation, entity);
    const result = await binding.handle({
      params: request.params as Record<string, never>,
      query: request.query as Record<string, never>,
      headers: request.headers as Record<string, never>,
      body: request.body as undefined,
      apiKey,
      entity,
      requestUrl: requestUrl(req.protocol, req.get("host"), req.originalUrl),
      log: context.log,
    });
    respond(res, operation, result);
  };
}

/** The router serving every bound operation. */
export function operationsRouter(options: OperationsRouterOptions): Router {
  const router = Router();
  const ajv = createRequestAjv();
  const readBody = bodyReader(options.jsonBodyLimitInBytes ?? DEFAULT_JSON_BODY_LIMIT_IN_BYTES);
  for (const binding of options.bindings) {
    const validator = compileOperationValidator(binding.operation, ajv);
    router[binding.operation.method](toExpressPath(binding.operation.path), handlerFor(binding, validator, readBody, options));
  }
  return router;
}
