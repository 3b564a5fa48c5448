/**
 * Errors across the control queue: the holder turns a handler's error into a caller-safe problem for the
 * reply, the caller turns the reply's problem back into the same ProblemError a local call would throw.
 */
import { ProblemError, isProblemError } from "../problems/problem-error.js";
import { problemOfError } from "../problems/problem-of-error.js";
import type { JsonValue, RouteProblem } from "./route-messages.js";

/**
 * The problem a reply carries for a handler's error: a ProblemError's code, detail, field errors and extensions
 * (all written for callers); a Service Bus error's table entry; anything else InternalError with the table's
 * detail, so no internal text crosses to another instance.
 */
export function problemOfHandlerError(error: unknown): RouteProblem {
  const { code, detail } = problemOfError(error);
  if (!isProblemError(error)) return { code, detail };
  const extensions = Object.keys(error.extensions).length > 0 ? { extensions: error.extensions as Record<string, JsonValue> } : {};
  return { code, detail, ...(error.errors ? { errors: error.errors } : {}), ...extensions };
}

/** The error a caller rejects with for a reply's problem: the same ProblemError the holder's handler threw. */
export function errorOfProblem(problem: RouteProblem): ProblemError {
  return new ProblemError(problem.code, {
    detail: problem.detail,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.extensions ? { extensions: problem.extensions } : {}),
  });
}
