/**
 * Builds the Express router of the contract: for each bound operation, authenticate (401), check
 * scopes (403), validate (400), resolve the exposed entity (404) and the key's allow-list (403), then
 * call the handler and write its success response.
 */
import { Router } from "express";
import type { Request, Response } from "express";
import type { ApiKeyRecord } from "../auth/api-keys.js";
import { findApiKey, hasScopes } from "../auth/api-keys.js";
import type { EntraIdAuthenticator } from "../auth/entra-id.js";
import type { ExposedEntities, ResolvedEntity } from "../config/exposed-entities.js";
import { allowListCovers, findQueue, findSendEntity, findSubscription } from "../config/exposed-entities.js";
import type { AnyOperation, EntityTarget } from "../contract/operation.js";
import { ProblemError } from "../problems/problem-error.js";
import type { OperationBinding } from "./operation-binding.js";
import { requestContextOf } from "./request-context.js";
import { compileOperationValidator, createAjv } from "./validation.js";
import type { OperationValidator } from "./validation.js";

/** Options of {@link operationsRouter}. */
export interface OperationsRouterOptions {
  bindings: readonly OperationBinding[];
  apiKeys: readonly ApiKeyRecord[];
  /** Microsoft Entra ID bearer tokens, when configured (`auth.entraId`). */
  entraId?: EntraIdAuthenticator;
  entities: ExposedEntities;
}

/** `/queues/{queue}/peek` -> `/queues/:queue/peek`. */
export function toExpressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

function stringParam(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  return typeof value === "string" ? value : "";
}

/** The exposed entity named by an operation's path parameters, or a 404 problem. */
export function resolveEntity(target: EntityTarget | undefined, params: Record<string, unknown>, entities: ExposedEntities): ResolvedEntity | undefined {
  if (target === undefined) return undefined;
  const resolved =
    target === "send"
      ? findSendEntity(entities, stringParam(params, "entity"))
      : target === "queue"
        ? findQueue(entities, stringParam(params, "queue"))
        : findSubscription(entities, stringParam(params, "topic"), stringParam(params, "subscription"));
  if (!resolved) throw new ProblemError("MessagingEntityNotFound");
  return resolved;
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

function handlerFor(binding: OperationBinding, validator: OperationValidator, options: OperationsRouterOptions) {
  const { operation } = binding;
  return async (req: Request, res: Response): Promise<void> => {
    const context = requestContextOf(res);
    const apiKey = await authenticate(req, res, options, operation);
    context.apiKeyName = apiKey.name;
    const raw = {
      params: { ...req.params } as Record<string, unknown>,
      query: { ...(req.query as Record<string, unknown>) },
      headers: declaredHeaders(req, operation),
      body: req.body as unknown,
    };
    const errors = validator.validate(raw);
    if (errors) throw new ProblemError("ValidationFailed", { errors });
    const entity = resolveEntity(operation.auth.entity, raw.params, options.entities);
    if (entity && !allowListCovers(apiKey.entities, entity)) {
      throw new ProblemError("Forbidden", { detail: "The API key is not allowed to use this entity." });
    }
    const result = await binding.handle({
      params: raw.params as Record<string, never>,
      query: raw.query as Record<string, never>,
      headers: raw.headers as Record<string, never>,
      body: raw.body as undefined,
      apiKey,
      entity,
      requestUrl: new URL(req.originalUrl, `${req.protocol}://${req.get("host") ?? "localhost"}`),
      log: context.log,
    });
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    if (result.pending) {
      // Only operations that declare a pending response (polling triggers) may answer with it.
      if (!operation.pending) throw new TypeError(`${operation.operationId} returned a pending result but declares no pending response.`);
      res.status(operation.pending.status).end();
      return;
    }
    if (operation.success.schema) res.status(operation.success.status).json(result.body);
    else res.status(operation.success.status).end();
  };
}

/** The router serving every bound operation. */
export function operationsRouter(options: OperationsRouterOptions): Router {
  const router = Router();
  const lenient = createAjv(true);
  const strict = createAjv(false);
  for (const binding of options.bindings) {
    const validator = compileOperationValidator(binding.operation, lenient, strict);
    router[binding.operation.method](toExpressPath(binding.operation.path), handlerFor(binding, validator, options));
  }
  return router;
}
