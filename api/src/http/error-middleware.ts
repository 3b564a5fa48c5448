/** The end of the request path: requests no route took, and every error, answered as problems. */
import type { NextFunction, Request, Response } from "express";
import { ProblemError } from "../problems/problem-error.js";
import { problemOf } from "./problem-of-error.js";
import type { ProblemOrigin } from "./problem-of-error.js";
import { PROBLEM_CONTENT_TYPE } from "../problems/problem-body.js";
import { requestContextOf } from "./request-context.js";

/** Writes a problem as `application/problem+json`, with its headers, as the answer to `req`. */
export function sendProblem(req: Request, res: Response, problem: ProblemError): void {
  const body = problem.toProblem({ instance: req.originalUrl.split("?")[0] ?? req.path, requestId: requestContextOf(res).requestId });
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Catch-all for requests that matched no route: a `RouteNotFound` problem. */
export function notFoundMiddleware(req: Request, res: Response): void {
  sendProblem(req, res, new ProblemError("RouteNotFound"));
}

/** The log level of a problem: internal errors are errors, transient Service Bus conditions warnings, other Service Bus answers info. */
function logLevelOf(problem: ProblemError, origin: ProblemOrigin): "error" | "warn" | "info" | undefined {
  if (problem.code === "InternalError" || (origin === "problem" && problem.status >= 500)) return "error";
  if (origin !== "serviceBus") return undefined;
  return problem.code.startsWith("Service") ? "warn" : "info";
}

/**
 * The one error middleware: every error becomes its problem ({@link problemOf}), is logged by how
 * serious it is (with the request id, never the caller's input), and renders itself.
 */
export function errorMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  const { problem, origin } = problemOf(error);
  const level = logLevelOf(problem, origin);
  if (level) {
    const message = origin === "unexpected" ? "unexpected error" : origin === "serviceBus" ? "Service Bus error" : "request failed";
    requestContextOf(res).log[level]({ err: problem.cause ?? error, code: problem.code }, message);
  }
  sendProblem(req, res, problem);
}
