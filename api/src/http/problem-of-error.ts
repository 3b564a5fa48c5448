/** The one translation of an error on the request path into a problem of the table. */
import { ProblemError, isProblemError } from "../problems/problem-error.js";
import { requestReadingProblem } from "../problems/request-errors.js";
import { serviceBusProblem } from "./service-bus-problems.js";

/** Where a problem came from, which decides how it is logged. */
export type ProblemOrigin = "problem" | "serviceBus" | "request" | "unexpected";

/**
 * The problem of any error: a ProblemError is itself; a Service Bus error (the SDK's or the gateway's)
 * is its problem (service-bus-problems.ts); an error of reading the request is its 400 / 413; anything
 * else is `InternalError` with the table's generic detail (internal text never reaches callers; the
 * error is kept as the problem's `cause`).
 */
export function problemOf(error: unknown): { problem: ProblemError; origin: ProblemOrigin } {
  if (isProblemError(error)) return { problem: error, origin: "problem" };
  const serviceBus = serviceBusProblem(error);
  if (serviceBus) return { problem: serviceBus, origin: "serviceBus" };
  const reading = requestReadingProblem(error);
  if (reading) return { problem: reading, origin: "request" };
  return { problem: new ProblemError("InternalError", { cause: error }), origin: "unexpected" };
}

/** Whether Power Automate's retry policy retries this status (408, 429 and 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
