import type { ProblemCode } from "./codes.js";
import { problemDefinition } from "./codes.js";
import { isProblemError } from "./problem-error.js";
import { problemCodeForServiceBusError } from "./service-bus-errors.js";

/** The code, status and caller-safe detail of a problem. */
export interface ProblemSummary {
  code: ProblemCode;
  status: number;
  detail: string;
}

/**
 * The problem the error middleware answers for an error a handler's Service Bus call rejects with:
 * a ProblemError's own code and detail; a Service Bus error's table entry; anything else
 * `InternalError` with the table's generic detail (internal text never reaches callers). For operations
 * that report one outcome per item instead of failing the whole request.
 */
export function problemOfError(error: unknown): ProblemSummary {
  if (isProblemError(error)) return { code: error.code, status: error.status, detail: error.detail };
  const code = problemCodeForServiceBusError(error) ?? "InternalError";
  const definition = problemDefinition(code);
  return { code, status: definition.status, detail: definition.detail };
}

/** Whether Power Automate's retry policy retries this status (408, 429 and 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
