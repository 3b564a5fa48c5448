import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { ApiLogger } from "../logger.js";
import { redactCapabilities } from "./redact-path.js";

/** Per-request state kept in `res.locals.requestContext`. */
export interface RequestContext {
  requestId: string;
  log: ApiLogger;
  /** Name of the API key that authenticated the request, once known (never the key itself). */
  apiKeyName?: string;
}

const REQUEST_ID_HEADER = "x-request-id";
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request context set by {@link requestContextMiddleware}. */
export function requestContextOf(res: Response): RequestContext {
  return res.locals["requestContext"] as RequestContext;
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is safe, otherwise a new UUID),
 * echoes it in the response, and logs one line per finished request without bodies, keys or lock tokens.
 */
export function requestContextMiddleware(logger: ApiLogger, newId: () => string = randomUUID) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const offered = req.get(REQUEST_ID_HEADER);
    const requestId = offered !== undefined && SAFE_REQUEST_ID.test(offered) ? offered : newId();
    const context: RequestContext = { requestId, log: logger.child({ requestId }) };
    res.locals["requestContext"] = context;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const durationInMs = Number(process.hrtime.bigint() - started) / 1e6;
      context.log.info(
        {
          method: req.method,
          path: redactCapabilities(req.path),
          status: res.statusCode,
          durationInMs: Math.round(durationInMs),
          apiKeyName: context.apiKeyName,
        },
        "request",
      );
    });
    next();
  };
}
