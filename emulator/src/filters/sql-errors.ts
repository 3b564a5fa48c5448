/**
 * Error types raised by the Service Bus SQL filter / rule-action engine.
 *
 * @module
 */

/**
 * Raised when a SQL filter or rule-action expression cannot be compiled: bad syntax,
 * an unknown token, a reference to a system property that does not exist, an
 * assignment to a read-only system property, a missing parameter, and so on.
 *
 * The message always names the 0-based character offset, for example
 * `Syntax error at position 14: expected ')' but found 'AND'`.
 */
export class SqlFilterSyntaxError extends Error {
  override readonly name = "SqlFilterSyntaxError";

  /** 0-based character offset into the expression where the problem was detected. */
  readonly position: number;

  /** The message without the `Syntax error at position N: ` prefix. */
  readonly detail: string;

  /**
   * @param detail - What went wrong, e.g. `expected ')' but found 'AND'`.
   * @param position - 0-based character offset of the offending token.
   */
  constructor(detail: string, position: number) {
    super(`Syntax error at position ${position}: ${detail}`);
    this.position = position;
    this.detail = detail;
  }
}

/**
 * Raised while evaluating a compiled filter or action against a message when the
 * expression is valid but cannot be computed (C# semantics would throw), e.g. an
 * integer division by zero or a LIKE escape value that is not one character long.
 *
 * The broker's equivalent is a filter evaluation exception; an emulator can use it to
 * implement `deadLetteringOnFilterEvaluationExceptions`.
 */
export class SqlFilterEvaluationError extends Error {
  override readonly name = "SqlFilterEvaluationError";

  /** 0-based character offset of the sub-expression whose evaluation failed. */
  readonly position: number;

  /**
   * @param detail - What went wrong.
   * @param position - 0-based character offset of the failing sub-expression.
   */
  constructor(detail: string, position: number) {
    super(`Evaluation error at position ${position}: ${detail}`);
    this.position = position;
  }
}
