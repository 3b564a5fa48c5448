/**
 * Errors across the control queue: the holder turns a handler's error into a caller-safe problem for the
 * reply, the caller turns the reply's problem back into the same ProblemError a local call would throw.
 */
import { ProblemError, isProblemError } from "../problems/problem-error.js";
import type { JsonValue, RouteProblem } from "./route-messages.js";

/** Turns any error into a problem of the table; the API passes its one translation (http/problem-of-error.ts). */
export type ProblemOfError = (error: unknown) => ProblemError;

/** Without the API's translation: a ProblemError is itself, anything else InternalError. */
export const problemErrorsOnly: ProblemOfError = (error) => (isProblemError(error) ? error : new ProblemError("InternalError", { cause: error }));

/**
 * The problem a reply carries for a handler's error, as `problemOf` translates it: code, detail, field errors and
 * extensions (all written for callers); an InternalError keeps only the table's detail, so no internal text
 * crosses to another instance.
 */
export function problemOfHandlerError(error: unknown, problemOf: ProblemOfError = problemErrorsOnly): RouteProblem {
  const problem = problemOf(error);
  const { code, detail } = problem;
  const extensions = Object.keys(problem.extensions).length > 0 ? { extensions: problem.extensions as Record<string, JsonValue> } : {};
  return { code, detail, ...(problem.errors ? { errors: problem.errors } : {}), ...extensions };
}

/** The error a caller rejects with for a reply's problem: the same ProblemError the holder's handler threw. */
export function errorOfProblem(problem: RouteProblem): ProblemError {
  return new ProblemError(problem.code, {
    detail: problem.detail,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.extensions ? { extensions: problem.extensions } : {}),
  });
}
