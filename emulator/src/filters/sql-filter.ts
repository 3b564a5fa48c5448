/**
 * Public entry point of the Service Bus SQL filter / rule-action engine.
 *
 * ```ts
 * const matches = compileSqlFilter("sys.Label LIKE '%bus%' AND color IN ('red', 'blue')");
 * matches({ system: { Label: "my-bus" }, user: { color: "red" } }); // true
 *
 * const action = compileSqlRuleAction("SET quantity = quantity / 2; REMOVE priority");
 * action(view); // mutates view.user
 * ```
 *
 * @module
 */

import { SqlFilterSyntaxError } from "./sql-errors.js";
import { applySqlRuleAction, evaluateSqlFilter } from "./sql-evaluate.js";
import type { MessageView } from "./sql-message-view.js";
import { bindSqlParameters, type SqlParameterInput } from "./sql-parameters.js";
import { parseSqlFilter, parseSqlRuleAction } from "./sql-parser.js";

export { SqlFilterEvaluationError, SqlFilterSyntaxError } from "./sql-errors.js";
export { readSystemProperty, type MessageView } from "./sql-message-view.js";
export type { SqlParameterInput } from "./sql-parameters.js";

/** Maximum length of a filter condition or rule action string (Service Bus quota: 1,024). */
export const MAX_SQL_EXPRESSION_LENGTH = 1024;

/** Options for {@link compileSqlFilter} and {@link compileSqlRuleAction}. */
export interface SqlCompileOptions {
  /** Values for `@name` parameters used in the expression (the rule's `sqlParameters`). */
  readonly parameters?: SqlParameterInput;
}

function checkLength(expression: string): void {
  if (expression.length > MAX_SQL_EXPRESSION_LENGTH) {
    throw new SqlFilterSyntaxError(
      `the expression is ${expression.length} characters long; the maximum is ${MAX_SQL_EXPRESSION_LENGTH}`,
      MAX_SQL_EXPRESSION_LENGTH,
    );
  }
}

/**
 * Compile a SqlFilter condition into a predicate over a {@link MessageView}. The
 * predicate returns `true` only when the condition evaluates to TRUE (not FALSE or
 * unknown). `"1=1"` and `"1=0"` are the true and false filters.
 *
 * @throws {@link SqlFilterSyntaxError} when the text is invalid, longer than
 * {@link MAX_SQL_EXPRESSION_LENGTH}, or uses an undefined parameter. The returned
 * function may throw {@link SqlFilterEvaluationError} (e.g. integer division by zero).
 */
export function compileSqlFilter(expression: string, options: SqlCompileOptions = {}): (view: MessageView) => boolean {
  checkLength(expression);
  const ast = parseSqlFilter(expression);
  const parameters = bindSqlParameters(ast, options.parameters);
  return (view) => evaluateSqlFilter(ast, view, parameters) === true;
}

/**
 * Compile a SqlRuleAction (`SET p = expr`, `REMOVE p`, separated by optional `;`) into a
 * function that mutates a {@link MessageView} in place. The action is atomic.
 *
 * @throws {@link SqlFilterSyntaxError} when the text is invalid, longer than
 * {@link MAX_SQL_EXPRESSION_LENGTH}, assigns a read-only system property or uses an
 * undefined parameter. The returned function may throw {@link SqlFilterEvaluationError}.
 */
export function compileSqlRuleAction(expression: string, options: SqlCompileOptions = {}): (view: MessageView) => void {
  checkLength(expression);
  const ast = parseSqlRuleAction(expression);
  const parameters = bindSqlParameters(ast, options.parameters);
  return (view) => applySqlRuleAction(ast, view, parameters);
}
