/**
 * Test helper: renders a parsed SQL AST as a fully parenthesised string so that tests
 * can assert structure (and thus precedence) compactly.
 */

import type { SqlActionStatement, SqlNode, SqlPredicate } from "../../../../emulator/src/filters/sql-ast.js";

function literal(value: null | boolean | string | bigint | number): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "bigint") return value.toString();
  return `${value}d`;
}

/** Render a node, e.g. `((user.a = 1) OR (user.b = 2))`; doubles carry a `d` suffix. */
export function formatSql(node: SqlNode | SqlPredicate): string {
  switch (node.kind) {
    case "literal":
      return literal(node.value);
    case "property":
      return `${node.scope}.${/^\w+$/u.test(node.name) ? node.name : `[${node.name}]`}`;
    case "parameter":
      return node.name;
    case "newid":
      return "newid()";
    case "propertyFunction":
      return `property(${formatSql(node.argument)})`;
    case "unary":
      return `(${node.operator}${formatSql(node.operand)})`;
    case "arithmetic":
    case "comparison":
    case "logical":
      return `(${formatSql(node.left)} ${node.operator} ${formatSql(node.right)})`;
    case "in":
      return `(${formatSql(node.operand)} ${node.negated ? "NOT IN" : "IN"} (${node.items.map(formatSql).join(", ")}))`;
    case "like": {
      const escape = node.escape === null ? "" : ` ESCAPE ${formatSql(node.escape)}`;
      return `(${formatSql(node.operand)} ${node.negated ? "NOT LIKE" : "LIKE"} ${formatSql(node.pattern)}${escape})`;
    }
    case "isNull":
      return `(${formatSql(node.operand)} ${node.negated ? "IS NOT NULL" : "IS NULL"})`;
    case "exists":
      return `EXISTS(${formatSql(node.property)})`;
    case "not":
      return `(NOT ${formatSql(node.operand)})`;
  }
}

/** Render an action statement, e.g. `SET user.a = 1`. */
export function formatStatement(statement: SqlActionStatement): string {
  return statement.kind === "set" ? `SET ${formatSql(statement.target)} = ${formatSql(statement.value)}` : `REMOVE ${formatSql(statement.target)}`;
}
