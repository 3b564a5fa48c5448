/**
 * Abstract syntax tree for the Service Bus SQL filter and rule-action language.
 *
 * Every node carries `position`, the 0-based offset of its first character in the
 * source text, so that later validation and evaluation errors can point at it.
 *
 * @module
 */

/** A constant value: `NULL`, a boolean, a string, an integer (int64) or a double. */
export type SqlLiteralValue = null | boolean | string | bigint | number;

/** Arithmetic operators, in the order of the grammar. */
export type SqlArithmeticOperator = "+" | "-" | "*" | "/" | "%";

/** Comparison operators. `!=` is normalised to `<>` by the parser. */
export type SqlComparisonOperator = "=" | "<>" | ">" | ">=" | "<" | "<=";

/** Property scope: `sys` (broker properties) or `user` (application properties). */
export type SqlPropertyScope = "sys" | "user";

/** A constant such as `'abc'`, `42`, `1.5`, `2E3`, `TRUE` or `NULL`. */
export interface SqlLiteralNode {
  readonly kind: "literal";
  readonly position: number;
  /** Integers are `bigint` (System.Int64); decimal and scientific constants are `number` (System.Double). */
  readonly value: SqlLiteralValue;
}

/** A property reference: `name`, `user.name`, `sys.Label`, `[my prop]`, `"my prop"`. */
export interface SqlPropertyNode {
  readonly kind: "property";
  readonly position: number;
  readonly scope: SqlPropertyScope;
  /** For `sys` properties this is the canonical spelling (e.g. `MessageId`); for `user` it is as written. */
  readonly name: string;
}

/** A filter parameter such as `@p1`, supplied when the filter is compiled. */
export interface SqlParameterNode {
  readonly kind: "parameter";
  readonly position: number;
  /** Name as written, including the leading `@`. */
  readonly name: string;
}

/** `newid()`: a freshly generated GUID string. */
export interface SqlNewIdNode {
  readonly kind: "newid";
  readonly position: number;
}

/** `property(expr)` or `p(expr)`: the value of the property whose name `expr` evaluates to. */
export interface SqlPropertyFunctionNode {
  readonly kind: "propertyFunction";
  readonly position: number;
  readonly argument: SqlValueExpression;
}

/** Unary `+expr` or `-expr`. */
export interface SqlUnaryNode {
  readonly kind: "unary";
  readonly position: number;
  readonly operator: "+" | "-";
  readonly operand: SqlValueExpression;
}

/** Binary arithmetic (or string concatenation with `+`). */
export interface SqlArithmeticNode {
  readonly kind: "arithmetic";
  readonly position: number;
  readonly operator: SqlArithmeticOperator;
  readonly left: SqlValueExpression;
  readonly right: SqlValueExpression;
}

/** An expression producing a value (as opposed to a truth value). */
export type SqlValueExpression =
  | SqlLiteralNode
  | SqlPropertyNode
  | SqlParameterNode
  | SqlNewIdNode
  | SqlPropertyFunctionNode
  | SqlUnaryNode
  | SqlArithmeticNode;

/** `left <op> right`. */
export interface SqlComparisonNode {
  readonly kind: "comparison";
  readonly position: number;
  readonly operator: SqlComparisonOperator;
  readonly left: SqlValueExpression;
  readonly right: SqlValueExpression;
}

/** `operand [NOT] IN (item, ...)`. */
export interface SqlInNode {
  readonly kind: "in";
  readonly position: number;
  readonly negated: boolean;
  readonly operand: SqlValueExpression;
  readonly items: readonly SqlValueExpression[];
}

/** `operand [NOT] LIKE pattern [ESCAPE escape]`. */
export interface SqlLikeNode {
  readonly kind: "like";
  readonly position: number;
  readonly negated: boolean;
  readonly operand: SqlValueExpression;
  readonly pattern: SqlValueExpression;
  readonly escape: SqlValueExpression | null;
}

/** `property IS [NOT] NULL`. */
export interface SqlIsNullNode {
  readonly kind: "isNull";
  readonly position: number;
  readonly negated: boolean;
  readonly operand: SqlPropertyNode | SqlPropertyFunctionNode;
}

/** `EXISTS(property)`. */
export interface SqlExistsNode {
  readonly kind: "exists";
  readonly position: number;
  readonly property: SqlPropertyNode;
}

/** `NOT predicate`. */
export interface SqlNotNode {
  readonly kind: "not";
  readonly position: number;
  readonly operand: SqlPredicate;
}

/** `left AND right` / `left OR right`. */
export interface SqlLogicalNode {
  readonly kind: "logical";
  readonly position: number;
  readonly operator: "AND" | "OR";
  readonly left: SqlPredicate;
  readonly right: SqlPredicate;
}

/** A node whose result is a truth value (TRUE, FALSE or unknown). */
export type SqlPredicateNode = SqlComparisonNode | SqlInNode | SqlLikeNode | SqlIsNullNode | SqlExistsNode | SqlNotNode | SqlLogicalNode;

/**
 * Anything allowed where the grammar expects a predicate. Besides true predicates this
 * admits the boolean constants `TRUE`/`FALSE` and value references (property, parameter,
 * `property()`), which count as TRUE only when they hold the boolean `true`.
 */
export type SqlPredicate = SqlPredicateNode | SqlLiteralNode | SqlPropertyNode | SqlParameterNode | SqlPropertyFunctionNode;

/** Any node of the tree. */
export type SqlNode = SqlValueExpression | SqlPredicateNode;

/** A parsed SqlFilter. */
export interface SqlFilterAst {
  readonly kind: "filter";
  readonly predicate: SqlPredicate;
}

/** `SET property = expression`. */
export interface SqlSetStatement {
  readonly kind: "set";
  readonly position: number;
  readonly target: SqlPropertyNode;
  readonly value: SqlValueExpression;
}

/** `REMOVE property` (user properties only). */
export interface SqlRemoveStatement {
  readonly kind: "remove";
  readonly position: number;
  readonly target: SqlPropertyNode;
}

/** One statement of a rule action. */
export type SqlActionStatement = SqlSetStatement | SqlRemoveStatement;

/** A parsed SqlRuleAction: statements executed in order. */
export interface SqlRuleActionAst {
  readonly kind: "action";
  readonly statements: readonly SqlActionStatement[];
}
