import type { ProblemCode } from "./codes.js";
import { problemDefinition } from "./codes.js";

/** Field errors of a `ValidationFailed` problem, grouped by where the field is in the request. */
export interface FieldErrors {
  params?: FieldError[];
  query?: FieldError[];
  headers?: FieldError[];
  body?: FieldError[];
}

/** One invalid field: a JSON pointer into its location (empty for the whole location) and why. */
export interface FieldError {
  field: string;
  message: string;
}

/** The media type of problem responses (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** An RFC 9457 problem body with the API's extension members. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  instance?: string;
  requestId?: string;
  errors?: FieldErrors;
  [extension: string]: unknown;
}

/** What {@link problemBody} needs besides the code. */
export interface ProblemBodyOptions {
  detail?: string;
  errors?: FieldErrors;
  extensions?: Record<string, unknown>;
  /** The request path, used as `instance`. */
  instance?: string;
  requestId?: string;
}

/** The `type` URI of a code; `GET /problems/{code}` serves its table entry. */
export function problemTypeUri(code: ProblemCode): string {
  return `/problems/${code}`;
}

/** Builds the problem body of a code from the table. Extensions never override the standard members. */
export function problemBody(code: ProblemCode, options: ProblemBodyOptions = {}): ProblemBody {
  const definition = problemDefinition(code);
  return {
    ...options.extensions,
    type: problemTypeUri(code),
    title: definition.title,
    status: definition.status,
    detail: options.detail ?? definition.detail,
    code,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    ...(options.errors === undefined ? {} : { errors: options.errors }),
  };
}
