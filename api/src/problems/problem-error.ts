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

/** Options of {@link ProblemError}. */
export interface ProblemErrorOptions {
  /** Replaces the table's default detail; must be safe to show to callers. */
  detail?: string;
  /** Per-field errors (ValidationFailed only). */
  errors?: FieldErrors;
  /** Extra members for the problem body (RFC 9457 extensions), such as `limitInBytes`. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An error that renders as a problem of the error table. Throw it from handlers; the error
 * middleware turns it into `application/problem+json`.
 */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: string;
  readonly errors: FieldErrors | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(code: ProblemCode, options: ProblemErrorOptions = {}) {
    const definition = problemDefinition(code);
    const detail = options.detail ?? definition.detail;
    super(`${code}: ${detail}`, { cause: options.cause });
    this.code = code;
    this.status = definition.status;
    this.detail = detail;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
  }
}

/** Type guard by `name`, so it holds across module copies. */
export function isProblemError(value: unknown): value is ProblemError {
  return value instanceof Error && value.name === "ProblemError" && "code" in value && "status" in value;
}
