import type { ProblemCode } from "./codes.js";
import { problemDefinition } from "./codes.js";
import { problemBody } from "./problem-body.js";
import type { FieldErrors, ProblemBody } from "./problem-body.js";

export type { FieldError, FieldErrors } from "./problem-body.js";

/** Options of {@link ProblemError}. */
export interface ProblemErrorOptions {
  /** Replaces the table's default detail; must be safe to show to callers. */
  detail?: string;
  /** Per-field errors (ValidationFailed, and problems that name the one field to fix). */
  errors?: FieldErrors;
  /** Extra members for the problem body (RFC 9457 extensions), such as `limitInBytes`. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/** What a rendered problem knows of the request it answers. */
export interface ProblemInstance {
  /** The request path, used as `instance`. */
  instance?: string;
  requestId?: string;
}

/**
 * An error that is a problem of the error table, and renders itself: {@link toProblem} is its body,
 * {@link headers} the headers that go with it. Throw it from anywhere on the request path; the error
 * middleware writes it as `application/problem+json`.
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

  /** The problem body answering one request. */
  toProblem(instance: ProblemInstance = {}): ProblemBody {
    return problemBody(this.code, { detail: this.detail, extensions: this.extensions, ...instance, ...(this.errors ? { errors: this.errors } : {}) });
  }

  /** Response headers of the problem: `Retry-After` for transient conditions. */
  get headers(): Record<string, string> {
    const seconds = problemDefinition(this.code).retryAfterSeconds;
    return seconds === undefined ? {} : { "Retry-After": String(seconds) };
  }
}

/** Type guard by `name`, so it holds across module copies. */
export function isProblemError(value: unknown): value is ProblemError {
  return value instanceof Error && value.name === "ProblemError" && "code" in value && "status" in value;
}

/** A `ValidationFailed` problem of one field. */
export function invalidField(location: keyof FieldErrors, field: string, message: string, cause?: unknown): ProblemError {
  return new ProblemError("ValidationFailed", { errors: { [location]: [{ field, message }] }, ...(cause === undefined ? {} : { cause }) });
}
