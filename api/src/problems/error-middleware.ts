import type { NextFunction, Request, Response } from "express";
import { requestContextOf } from "../http/request-context.js";
import { isProblemError } from "./problem-error.js";
import { sendProblem } from "./send-problem.js";
import { problemCodeForServiceBusError } from "./service-bus-errors.js";

/** The fields body-parser puts on its errors. */
interface BodyParserError {
  type: string;
  limit?: number;
}

function bodyParserError(error: unknown): BodyParserError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { type, limit } = error as { type?: unknown; limit?: unknown };
  if (typeof type !== "string") return undefined;
  return { type, ...(typeof limit === "number" ? { limit } : {}) };
}

/**
 * The status of an http-errors style client error (a numeric `status` or `statusCode` in 400-499), as
 * raised by body-parser for bodies it cannot read (a corrupt gzip/deflate/br stream, a truncated body)
 * and by the router for path segments that are not valid percent-encoding.
 */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === "number" ? status : statusCode;
  return typeof value === "number" && value >= 400 && value < 500 ? value : undefined;
}

/** Catch-all for requests that matched no route: a `RouteNotFound` problem. */
export function notFoundMiddleware(req: Request, res: Response): void {
  sendProblem(req, res, "RouteNotFound", { requestId: requestContextOf(res).requestId });
}

/**
 * The one error middleware: ProblemError -> its problem; a ServiceBusError -> the table entry of its
 * code; body-parser failures, unreadable bodies and undecodable paths -> 400 / 413; anything else ->
 * 500 `InternalError` with a generic text, logged with the request id. Internal error text never reaches the caller.
 */
export function errorMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  const context = requestContextOf(res);
  const requestId = context.requestId;
  if (isProblemError(error)) {
    if (error.status >= 500) context.log.error({ err: error.cause ?? error, code: error.code }, "request failed");
    sendProblem(req, res, error.code, { detail: error.detail, extensions: error.extensions, requestId, ...(error.errors ? { errors: error.errors } : {}) });
    return;
  }
  const serviceBusCode = problemCodeForServiceBusError(error);
  if (serviceBusCode !== undefined) {
    const level = serviceBusCode === "InternalError" ? "error" : serviceBusCode.startsWith("Service") ? "warn" : "info";
    context.log[level]({ err: error, code: serviceBusCode }, "Service Bus error");
    sendProblem(req, res, serviceBusCode, { requestId });
    return;
  }
  const parserError = bodyParserError(error);
  if (parserError?.type === "entity.too.large") {
    const limit = parserError.limit;
    sendProblem(req, res, "MessageSizeExceeded", {
      requestId,
      detail:
        `The request body is larger than this API's limit${limit === undefined ? "" : ` of ${limit} bytes`}. ` +
        "Store large payloads elsewhere (for example in Blob Storage) and send a reference to them instead (the claim-check pattern).",
      ...(limit === undefined ? {} : { extensions: { limitInBytes: limit } }),
    });
    return;
  }
  if (parserError?.type === "entity.parse.failed") {
    sendProblem(req, res, "ValidationFailed", { requestId, errors: { body: [{ field: "", message: "is not valid JSON" }] } });
    return;
  }
  if (parserError?.type === "encoding.unsupported" || parserError?.type === "charset.unsupported") {
    sendProblem(req, res, "ValidationFailed", { requestId, errors: { body: [{ field: "", message: "has an unsupported encoding or charset; send UTF-8 JSON" }] } });
    return;
  }
  if (clientErrorStatus(error) !== undefined) {
    // The router's percent-decoding failures are URIErrors; everything else here is about the body.
    const errors =
      error instanceof Error && error.name === "URIError"
        ? { params: [{ field: "", message: "is not valid percent-encoded UTF-8" }] }
        : { body: [{ field: "", message: "could not be read: it is truncated, or compressed or encoded in a way this API does not accept" }] };
    sendProblem(req, res, "ValidationFailed", { requestId, errors });
    return;
  }
  context.log.error({ err: error }, "unexpected error");
  sendProblem(req, res, "InternalError", { requestId });
}
