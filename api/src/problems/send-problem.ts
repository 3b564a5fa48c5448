import type { Request, Response } from "express";
import type { ProblemCode } from "./codes.js";
import { problemDefinition } from "./codes.js";
import type { ProblemBodyOptions } from "./problem-body.js";
import { PROBLEM_CONTENT_TYPE, problemBody } from "./problem-body.js";

/** Writes a problem of the table as `application/problem+json`, with Retry-After for transient codes. */
export function sendProblem(
  req: Request,
  res: Response,
  code: ProblemCode,
  options: Omit<ProblemBodyOptions, "instance" | "requestId"> & { requestId?: string } = {},
): void {
  const definition = problemDefinition(code);
  const body = problemBody(code, { ...options, instance: req.originalUrl.split("?")[0] ?? req.path });
  if (definition.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(definition.retryAfterSeconds));
  res.status(definition.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
