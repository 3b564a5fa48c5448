/**
 * Binding of `@parameter` values to a parsed filter or action.
 *
 * Service Bus lets a SqlRuleFilter / SqlRuleAction carry `sqlParameters`
 * (documented allowed types: string, int, long, bool, double; the filter examples also
 * use DateTime). Here a parameter may be a string, boolean, number, bigint, Date or null.
 * Names match case-insensitively, with or without the leading `@`.
 *
 * @module
 */

import type { SqlFilterAst, SqlNode, SqlParameterNode, SqlPredicate, SqlRuleActionAst } from "./sql-ast.js";
import { SqlFilterSyntaxError } from "./sql-errors.js";
import { normalizeParameterName, type SqlParameterValues } from "./sql-evaluate.js";
import { toSqlValue, type SqlValue } from "./sql-values.js";

/** Parameter values as supplied by a caller, e.g. `{ "@color": "red" }`. */
export type SqlParameterInput = Readonly<Record<string, unknown>>;

function children(node: SqlNode | SqlPredicate): readonly (SqlNode | SqlPredicate)[] {
  switch (node.kind) {
    case "unary":
      return [node.operand];
    case "arithmetic":
    case "comparison":
    case "logical":
      return [node.left, node.right];
    case "propertyFunction":
      return [node.argument];
    case "in":
      return [node.operand, ...node.items];
    case "like":
      return node.escape === null ? [node.operand, node.pattern] : [node.operand, node.pattern, node.escape];
    case "isNull":
    case "not":
      return [node.operand];
    case "exists":
      return [node.property];
    default:
      return [];
  }
}

function collectParameters(roots: readonly (SqlNode | SqlPredicate)[]): SqlParameterNode[] {
  const found: SqlParameterNode[] = [];
  const stack = [...roots];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.kind === "parameter") found.push(node);
    stack.push(...children(node));
  }
  return found.sort((a, b) => a.position - b.position);
}

function isSupported(raw: unknown): boolean {
  return raw === null || ["string", "boolean", "number", "bigint"].includes(typeof raw) || raw instanceof Date;
}

/**
 * Resolve every `@parameter` used by `ast` against `input`.
 *
 * @throws {@link SqlFilterSyntaxError} at the parameter's position when it has no value
 * or its value has an unsupported type.
 */
export function bindSqlParameters(ast: SqlFilterAst | SqlRuleActionAst, input: SqlParameterInput = {}): SqlParameterValues {
  const supplied = new Map<string, unknown>();
  for (const [name, value] of Object.entries(input)) supplied.set(normalizeParameterName(name), value);
  const roots = ast.kind === "filter" ? [ast.predicate] : ast.statements.flatMap((s) => (s.kind === "set" ? [s.value] : []));
  const bound = new Map<string, SqlValue>();
  for (const node of collectParameters(roots)) {
    const key = normalizeParameterName(node.name);
    if (!supplied.has(key)) throw new SqlFilterSyntaxError(`parameter '${node.name}' is not defined`, node.position);
    const raw = supplied.get(key);
    if (!isSupported(raw)) {
      throw new SqlFilterSyntaxError(`parameter '${node.name}' has an unsupported value type`, node.position);
    }
    bound.set(key, toSqlValue(raw));
  }
  return bound;
}
