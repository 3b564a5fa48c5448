/**
 * Runtime value model and operators for SQL filter evaluation.
 *
 * Values are `null` (NULL or unknown), `boolean`, `string`, `bigint` (System.Int64),
 * `number` (System.Double) or `Date` (System.DateTime). The reference says operators
 * "follow C# implicit conversion semantics whenever possible", so:
 *
 * - int op int stays an int (64-bit, wrapping like unchecked C#); `/` truncates toward
 *   zero; integer `/` or `%` by zero throws (C# `DivideByZeroException`);
 * - int op double is a double; double division by zero gives ±Infinity/NaN as in C#;
 * - `+` on two strings concatenates;
 * - any operand NULL/unknown gives unknown;
 * - operands C# could not combine (e.g. string vs number, boolean arithmetic) give
 *   unknown rather than an error.
 *
 * @module
 */

/** A value during evaluation. `null` stands for both SQL NULL and "unknown". */
export type SqlValue = null | boolean | string | bigint | number | Date;

/** SQL three-valued truth: `true`, `false` or `null` (unknown). */
export type SqlTruth = boolean | null;

/** Signals an operation C# would throw on; the evaluator adds the position. */
export class SqlValueError extends Error {
  override readonly name = "SqlValueError";
}

/**
 * Convert a message property value into a {@link SqlValue}.
 *
 * JavaScript numbers that are safe integers are treated as Int64, others as Double:
 * this mirrors the AMQP encoding (rhea sends integral numbers as integer types), so a
 * property sent as `5` divides like the integer it is on the wire. Unsupported shapes
 * (objects, arrays, buffers) and invalid dates evaluate as unknown.
 */
export function toSqlValue(raw: unknown): SqlValue {
  switch (typeof raw) {
    case "string":
    case "boolean":
    case "bigint":
      return raw;
    case "number":
      return Number.isSafeInteger(raw) ? BigInt(raw) : raw;
    default:
      if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
      return null;
  }
}

/**
 * Convert a {@link SqlValue} back to what is stored on a message: integers that fit in a
 * JavaScript number become numbers, larger ones stay `bigint`.
 */
export function fromSqlValue(value: SqlValue): unknown {
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  return value;
}

/** A short type name for messages: `string`, `int`, `double`, ... */
export function sqlTypeName(value: SqlValue): string {
  if (value === null) return "null";
  if (value instanceof Date) return "datetime";
  if (typeof value === "bigint") return "int";
  if (typeof value === "number") return "double";
  return typeof value;
}

function isNumeric(value: SqlValue): value is bigint | number {
  return typeof value === "bigint" || typeof value === "number";
}

const wrap64 = (value: bigint): bigint => BigInt.asIntN(64, value);

function integerArithmetic(operator: string, left: bigint, right: bigint): bigint {
  switch (operator) {
    case "+":
      return wrap64(left + right);
    case "-":
      return wrap64(left - right);
    case "*":
      return wrap64(left * right);
    default:
      if (right === 0n) throw new SqlValueError("integer division by zero");
      // BigInt division and remainder truncate toward zero, like C#.
      return wrap64(operator === "/" ? left / right : left % right);
  }
}

function doubleArithmetic(operator: string, left: number, right: number): number {
  switch (operator) {
    case "+":
      return left + right;
    case "-":
      return left - right;
    case "*":
      return left * right;
    case "/":
      return left / right;
    default:
      return left % right;
  }
}

/**
 * Apply a binary arithmetic operator (`+ - * / %`).
 *
 * @throws {@link SqlValueError} on integer division or modulo by zero.
 */
export function applyArithmetic(operator: string, left: SqlValue, right: SqlValue): SqlValue {
  if (left === null || right === null) return null;
  if (typeof left === "bigint" && typeof right === "bigint") return integerArithmetic(operator, left, right);
  if (isNumeric(left) && isNumeric(right)) return doubleArithmetic(operator, Number(left), Number(right));
  if (operator === "+" && typeof left === "string" && typeof right === "string") return left + right;
  return null;
}

/** Apply unary `+` or `-`; non-numeric operands give unknown. */
export function applyUnary(operator: "+" | "-", operand: SqlValue): SqlValue {
  if (typeof operand === "bigint") return operator === "-" ? wrap64(-operand) : operand;
  if (typeof operand === "number") return operator === "-" ? -operand : operand;
  return null;
}

/**
 * Order two non-boolean values: negative, zero or positive, `NaN` when a double is NaN,
 * or `undefined` if the types cannot be compared at all.
 */
function order(left: Exclude<SqlValue, null | boolean>, right: Exclude<SqlValue, null | boolean>): number | undefined {
  if (typeof left === "bigint" && typeof right === "bigint") return left < right ? -1 : left > right ? 1 : 0;
  if (isNumeric(left) && isNumeric(right)) {
    const a = Number(left);
    const b = Number(right);
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN;
  }
  // Ordinal (UTF-16 code unit) order, like C# string.CompareOrdinal.
  if (typeof left === "string" && typeof right === "string") return left < right ? -1 : left > right ? 1 : 0;
  if (left instanceof Date && right instanceof Date) return Math.sign(left.getTime() - right.getTime());
  return undefined;
}

/**
 * Compare two values with `= <> > >= < <=`. Unknown when either side is NULL/unknown or
 * the types are not comparable (string vs number, ordering of booleans, ...).
 */
export function compareValues(operator: string, left: SqlValue, right: SqlValue): SqlTruth {
  if (left === null || right === null) return null;
  if (typeof left === "boolean" || typeof right === "boolean") {
    if (typeof left !== typeof right) return null;
    if (operator === "=") return left === right;
    if (operator === "<>") return left !== right;
    return null;
  }
  const result = order(left, right);
  if (result === undefined) return null;
  switch (operator) {
    case "=":
      return result === 0;
    case "<>":
      // NaN is unequal to everything, as in C#.
      return result !== 0;
    case ">":
      return result > 0;
    case ">=":
      return result >= 0;
    case "<":
      return result < 0;
    default:
      return result <= 0;
  }
}

/** SQL three-valued NOT. */
export function notTruth(value: SqlTruth): SqlTruth {
  return value === null ? null : !value;
}

/** How a value reads in a predicate position: only booleans are TRUE/FALSE. */
export function valueAsTruth(value: SqlValue): SqlTruth {
  return typeof value === "boolean" ? value : null;
}
