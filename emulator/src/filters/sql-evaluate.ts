/**
 * Evaluation of parsed SqlFilter predicates and application of SqlRuleAction statements
 * against a {@link MessageView}.
 *
 * Semantics (Microsoft Learn, "Subscription Rule SQL Filter Syntax", Considerations):
 *
 * - A missing user property, or a property holding NULL, evaluates as unknown.
 *   Arithmetic, comparison and LIKE with an unknown operand are unknown; `[NOT] IN` with
 *   an unknown left operand is unknown (and, as in SQL-92, `x IN (..., NULL)` without a
 *   match is unknown too).
 * - AND / OR / NOT follow the documented three-valued truth tables; a filter matches
 *   only when the result is TRUE.
 * - `property IS NULL` is TRUE when the property is missing or null.
 * - `EXISTS(p)` is TRUE when the property is present, even with a null user value.
 * - Values that C# could not compare (string vs number, ...) give unknown, not an error.
 *
 * @module
 */

import { randomUUID } from "node:crypto";

import type {
  SqlActionStatement,
  SqlFilterAst,
  SqlInNode,
  SqlLikeNode,
  SqlPredicate,
  SqlPropertyFunctionNode,
  SqlPropertyNode,
  SqlRuleActionAst,
  SqlValueExpression,
} from "./sql-ast.js";
import { SqlFilterEvaluationError } from "./sql-errors.js";
import { compileLikePattern, matchLike, type LikePattern } from "./sql-like.js";
import {
  lookupSystemProperty,
  lookupUserProperty,
  removeUserProperty,
  writeSystemProperty,
  writeUserProperty,
  type MessageView,
  type PropertyLookup,
} from "./sql-message-view.js";
import { canonicalSystemPropertyName } from "./sql-system-properties.js";
import {
  applyArithmetic,
  applyUnary,
  compareValues,
  fromSqlValue,
  notTruth,
  sqlTypeName,
  SqlValueError,
  toSqlValue,
  valueAsTruth,
  type SqlTruth,
  type SqlValue,
} from "./sql-values.js";

/** Values of `@parameters`, keyed by {@link normalizeParameterName}. */
export type SqlParameterValues = ReadonlyMap<string, SqlValue>;

const NO_PARAMETERS: SqlParameterValues = new Map();

/** The lookup key for a parameter: without the leading `@`, lower-cased. */
export function normalizeParameterName(name: string): string {
  return (name.startsWith("@") ? name.slice(1) : name).toLowerCase();
}

const MISSING: PropertyLookup = { exists: false, value: undefined };

function lookupProperty(node: SqlPropertyNode, view: MessageView): PropertyLookup {
  return node.scope === "sys" ? lookupSystemProperty(view, node.name) : lookupUserProperty(view, node.name);
}

/** `property(name)`: `name` may carry a `sys.` or `user.` prefix; anything unresolvable is missing. */
function lookupPropertyFunction(node: SqlPropertyFunctionNode, view: MessageView, parameters: SqlParameterValues): PropertyLookup {
  const name = evaluateValue(node.argument, view, parameters);
  if (typeof name !== "string") return MISSING;
  const dot = name.indexOf(".");
  const scope = dot > 0 ? name.slice(0, dot).toLowerCase() : "";
  if (scope === "sys") {
    const canonical = canonicalSystemPropertyName(name.slice(dot + 1));
    return canonical === undefined ? MISSING : lookupSystemProperty(view, canonical);
  }
  return lookupUserProperty(view, scope === "user" ? name.slice(dot + 1) : name);
}

function withPosition<T>(position: number, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof SqlValueError) throw new SqlFilterEvaluationError(error.message, position);
    throw error;
  }
}

/**
 * Evaluate a value expression.
 *
 * @throws {@link SqlFilterEvaluationError} when C# semantics would throw (integer division by zero).
 */
export function evaluateValue(node: SqlValueExpression, view: MessageView, parameters: SqlParameterValues = NO_PARAMETERS): SqlValue {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "property":
      return toSqlValue(lookupProperty(node, view).value);
    case "parameter": {
      const value = parameters.get(normalizeParameterName(node.name));
      if (value === undefined) throw new SqlFilterEvaluationError(`parameter '${node.name}' has no value`, node.position);
      return value;
    }
    case "newid":
      return randomUUID();
    case "propertyFunction":
      return toSqlValue(lookupPropertyFunction(node, view, parameters).value);
    case "unary":
      return applyUnary(node.operator, evaluateValue(node.operand, view, parameters));
    case "arithmetic": {
      const left = evaluateValue(node.left, view, parameters);
      const right = evaluateValue(node.right, view, parameters);
      return withPosition(node.position, () => applyArithmetic(node.operator, left, right));
    }
  }
}

function evaluateIn(node: SqlInNode, view: MessageView, parameters: SqlParameterValues): SqlTruth {
  const operand = evaluateValue(node.operand, view, parameters);
  if (operand === null) return null;
  let result: SqlTruth = false;
  for (const item of node.items) {
    const equal = compareValues("=", operand, evaluateValue(item, view, parameters));
    if (equal === true) {
      result = true;
      break;
    }
    if (equal === null) result = null;
  }
  return node.negated ? notTruth(result) : result;
}

const staticLikeCache = new WeakMap<SqlLikeNode, LikePattern>();

function likePatternOf(node: SqlLikeNode, pattern: string, escape: string | null): LikePattern {
  const isStatic = node.pattern.kind === "literal" && (node.escape === null || node.escape.kind === "literal");
  const cached = isStatic ? staticLikeCache.get(node) : undefined;
  if (cached !== undefined) return cached;
  const compiled = compileLikePattern(pattern, escape);
  if ("error" in compiled) {
    const position = escape !== null && [...escape].length !== 1 && node.escape !== null ? node.escape.position : node.pattern.position;
    throw new SqlFilterEvaluationError(compiled.error, position);
  }
  if (isStatic) staticLikeCache.set(node, compiled.pattern);
  return compiled.pattern;
}

function evaluateLike(node: SqlLikeNode, view: MessageView, parameters: SqlParameterValues): SqlTruth {
  const operand = evaluateValue(node.operand, view, parameters);
  const pattern = evaluateValue(node.pattern, view, parameters);
  let escape: SqlValue = null;
  if (node.escape !== null) {
    escape = evaluateValue(node.escape, view, parameters);
    if (typeof escape !== "string") return null;
  }
  if (typeof operand !== "string" || typeof pattern !== "string") return null;
  const matched = matchLike(likePatternOf(node, pattern, escape), operand);
  return node.negated ? !matched : matched;
}

/**
 * Evaluate a predicate to TRUE, FALSE or unknown (`null`). AND and OR short-circuit on
 * FALSE and TRUE respectively.
 *
 * @throws {@link SqlFilterEvaluationError} when C# semantics would throw.
 */
export function evaluatePredicate(node: SqlPredicate, view: MessageView, parameters: SqlParameterValues = NO_PARAMETERS): SqlTruth {
  switch (node.kind) {
    case "logical": {
      const stopAt = node.operator === "OR";
      const left = evaluatePredicate(node.left, view, parameters);
      if (left === stopAt) return stopAt;
      const right = evaluatePredicate(node.right, view, parameters);
      if (right === stopAt) return stopAt;
      return left === null || right === null ? null : !stopAt;
    }
    case "not":
      return notTruth(evaluatePredicate(node.operand, view, parameters));
    case "comparison":
      return compareValues(node.operator, evaluateValue(node.left, view, parameters), evaluateValue(node.right, view, parameters));
    case "in":
      return evaluateIn(node, view, parameters);
    case "like":
      return evaluateLike(node, view, parameters);
    case "isNull": {
      const lookup = node.operand.kind === "property" ? lookupProperty(node.operand, view) : lookupPropertyFunction(node.operand, view, parameters);
      const isNull = lookup.value === undefined || lookup.value === null;
      return node.negated ? !isNull : isNull;
    }
    case "exists":
      return lookupProperty(node.property, view).exists;
    case "literal":
      return valueAsTruth(node.value);
    case "property":
    case "parameter":
    case "propertyFunction":
      return valueAsTruth(evaluateValue(node, view, parameters));
  }
}

/**
 * Evaluate a parsed filter. Returns TRUE, FALSE or unknown (`null`); a message matches
 * only on TRUE.
 */
export function evaluateSqlFilter(ast: SqlFilterAst, view: MessageView, parameters: SqlParameterValues = NO_PARAMETERS): SqlTruth {
  return evaluatePredicate(ast.predicate, view, parameters);
}

function applyStatement(statement: SqlActionStatement, view: MessageView, parameters: SqlParameterValues): void {
  const { target } = statement;
  if (statement.kind === "remove") {
    removeUserProperty(view, target.name);
    return;
  }
  const value = evaluateValue(statement.value, view, parameters);
  if (target.scope === "user") {
    writeUserProperty(view, target.name, fromSqlValue(value));
    return;
  }
  if (value !== null && typeof value !== "string") {
    throw new SqlFilterEvaluationError(`system property 'sys.${target.name}' requires a string value but got ${sqlTypeName(value)}`, statement.value.position);
  }
  writeSystemProperty(view, target.name, value);
}

function replaceContents(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(target)) {
    if (!Object.hasOwn(source, key)) delete target[key];
  }
  for (const [key, value] of Object.entries(source)) {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  }
}

/**
 * Run a parsed rule action against `view`, mutating it. Statements run in order, each
 * seeing the effects of the previous ones; the action is atomic, so when one statement
 * throws, `view` is left untouched. `SET` of an unknown value stores `null`; `SET sys.X`
 * accepts only strings (or NULL); `REMOVE` deletes a user property.
 *
 * @throws {@link SqlFilterEvaluationError} when a value cannot be computed or assigned.
 */
export function applySqlRuleAction(ast: SqlRuleActionAst, view: MessageView, parameters: SqlParameterValues = NO_PARAMETERS): void {
  const draft: MessageView = { system: { ...view.system }, user: { ...view.user } };
  for (const statement of ast.statements) applyStatement(statement, draft, parameters);
  replaceContents(view.system, draft.system);
  replaceContents(view.user, draft.user);
}
