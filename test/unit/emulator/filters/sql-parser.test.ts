import { describe, expect, it } from "vitest";

import { tokenizeSql } from "../../../../emulator/src/filters/sql-lexer.js";
import { parseSqlFilter } from "../../../../emulator/src/filters/sql-parser.js";
import { compileSqlFilter, MAX_SQL_EXPRESSION_LENGTH, SqlFilterSyntaxError } from "../../../../emulator/src/filters/sql-filter.js";
import { formatSql } from "./sql-ast-format.js";

const parse = (text: string): string => formatSql(parseSqlFilter(text).predicate);

function syntaxError(run: () => unknown): SqlFilterSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof SqlFilterSyntaxError) return error;
    throw error;
  }
  throw new Error("expected a SqlFilterSyntaxError");
}

const parseError = (text: string): SqlFilterSyntaxError => syntaxError(() => parseSqlFilter(text));

describe("tokenizeSql", () => {
  it("produces positioned tokens ending with an end token", () => {
    const tokens = tokenizeSql("sys.Label <> 'x'");
    expect(tokens.map((t) => [t.kind, t.position, t.text])).toEqual([
      ["identifier", 0, "sys"],
      ["symbol", 3, "."],
      ["identifier", 4, "Label"],
      ["symbol", 10, "<>"],
      ["string", 13, "'x'"],
      ["end", 16, ""],
    ]);
  });

  it("recognises every operator and punctuation symbol", () => {
    const symbols = tokenizeSql("= <> != > >= < <= + - * / % ( ) , . ;").flatMap((t) => (t.kind === "symbol" ? [t.symbol] : []));
    expect(symbols).toEqual(["=", "<>", "!=", ">", ">=", "<", "<=", "+", "-", "*", "/", "%", "(", ")", ",", ".", ";"]);
  });

  it("does not need whitespace between tokens", () => {
    expect(tokenizeSql("a>=1 AND(b<>2)OR[c]='x'").map((t) => t.text)).toEqual(["a", ">=", "1", "AND", "(", "b", "<>", "2", ")", "OR", "[c]", "=", "'x'", ""]);
  });

  it("classifies keywords case-insensitively and keeps other words as identifiers", () => {
    const tokens = tokenizeSql("aNd Exists select");
    expect(tokens[0]).toMatchObject({ kind: "keyword", keyword: "AND", text: "aNd" });
    expect(tokens[1]).toMatchObject({ kind: "keyword", keyword: "EXISTS" });
    expect(tokens[2]).toMatchObject({ kind: "identifier", name: "select", delimited: false });
  });

  it("reads numbers as integers or doubles", () => {
    const tokens = tokenizeSql("1894 1894.1204 2.0 101.5E5 0.5E-2 .5 7. 3e+2");
    expect(tokens.slice(0, -1).map((t) => (t.kind === "integer" || t.kind === "double" ? [t.kind, t.value] : t.kind))).toEqual([
      ["integer", 1894n],
      ["double", 1894.1204],
      ["double", 2],
      ["double", 10150000],
      ["double", 0.005],
      ["double", 0.5],
      ["double", 7],
      ["double", 300],
    ]);
  });

  it("unescapes strings and delimited identifiers", () => {
    const tokens = tokenizeSql(`'it''s' [a]]b] "say ""hi""" ''`);
    expect(tokens[0]).toMatchObject({ kind: "string", value: "it's" });
    expect(tokens[1]).toMatchObject({ kind: "identifier", name: "a]b", delimited: true });
    expect(tokens[2]).toMatchObject({ kind: "identifier", name: 'say "hi"', delimited: true });
    expect(tokens[3]).toMatchObject({ kind: "string", value: "" });
  });

  it("accepts Unicode letters and digits in identifiers", () => {
    expect(tokenizeSql("ñame_1 Größe 東京")).toMatchObject([
      { kind: "identifier", name: "ñame_1" },
      { kind: "identifier", name: "Größe" },
      { kind: "identifier", name: "東京" },
      { kind: "end" },
    ]);
  });

  it("reads @parameters", () => {
    expect(tokenizeSql("@p1")[0]).toMatchObject({ kind: "parameter", name: "@p1", position: 0 });
  });
});

describe("parseSqlFilter: precedence and associativity", () => {
  it.each([
    ["a = 1 OR b = 2 AND c = 3", "((user.a = 1) OR ((user.b = 2) AND (user.c = 3)))"],
    ["a = 1 AND b = 2 OR c = 3", "(((user.a = 1) AND (user.b = 2)) OR (user.c = 3))"],
    ["NOT a = 1 AND b = 2", "((NOT (user.a = 1)) AND (user.b = 2))"],
    ["NOT a = 1 OR NOT b = 2", "((NOT (user.a = 1)) OR (NOT (user.b = 2)))"],
    ["NOT NOT a = 1", "(NOT (NOT (user.a = 1)))"],
    ["NOT (a = 1 OR b = 2)", "(NOT ((user.a = 1) OR (user.b = 2)))"],
    ["(a = 1 OR b = 2) AND c = 3", "(((user.a = 1) OR (user.b = 2)) AND (user.c = 3))"],
    ["a = 1 OR b = 2 OR c = 3", "(((user.a = 1) OR (user.b = 2)) OR (user.c = 3))"],
    ["a + b * c = 1", "((user.a + (user.b * user.c)) = 1)"],
    ["a * b + c = 1", "(((user.a * user.b) + user.c) = 1)"],
    ["a - b / c % d = 1", "((user.a - ((user.b / user.c) % user.d)) = 1)"],
    ["(a + b) * c = 1", "(((user.a + user.b) * user.c) = 1)"],
    ["a - b - c = 1", "(((user.a - user.b) - user.c) = 1)"],
    ["a / b / c = 1", "(((user.a / user.b) / user.c) = 1)"],
    ["-a * b = 1", "(((-user.a) * user.b) = 1)"],
    ["- -a = 1", "((-(-user.a)) = 1)"],
    ["+a = 1", "((+user.a) = 1)"],
    ["a-1 = 0", "((user.a - 1) = 0)"],
    ["a = b + 1", "(user.a = (user.b + 1))"],
    ["NOT a IN (1) AND b LIKE 'x'", "((NOT (user.a IN (1))) AND (user.b LIKE 'x'))"],
    ["a + 1 IN (2, 3)", "((user.a + 1) IN (2, 3))"],
  ])("%s", (text, expected) => {
    expect(parse(text)).toBe(expected);
  });
});

describe("parseSqlFilter: operators", () => {
  it.each([
    ["a = 1", "(user.a = 1)"],
    ["a <> 1", "(user.a <> 1)"],
    ["a != 1", "(user.a <> 1)"],
    ["a > 1", "(user.a > 1)"],
    ["a >= 1", "(user.a >= 1)"],
    ["a < 1", "(user.a < 1)"],
    ["a <= 1", "(user.a <= 1)"],
    ["a IN ('x', 'y', 3)", "(user.a IN ('x', 'y', 3))"],
    ["a NOT IN ('x')", "(user.a NOT IN ('x'))"],
    ["a IN (b, c + 1)", "(user.a IN (user.b, (user.c + 1)))"],
    ["a LIKE 'x%'", "(user.a LIKE 'x%')"],
    ["a NOT LIKE '_x'", "(user.a NOT LIKE '_x')"],
    ["a LIKE 'ABC\\%' ESCAPE '\\'", "(user.a LIKE 'ABC\\%' ESCAPE '\\')"],
    ["a LIKE b ESCAPE c", "(user.a LIKE user.b ESCAPE user.c)"],
    ["a IS NULL", "(user.a IS NULL)"],
    ["a IS NOT NULL", "(user.a IS NOT NULL)"],
    ["EXISTS(a)", "EXISTS(user.a)"],
    ["EXISTS ( sys.Label )", "EXISTS(sys.Label)"],
    ["NOT EXISTS(a)", "(NOT EXISTS(user.a))"],
    ["property('a') IS NULL", "(property('a') IS NULL)"],
  ])("%s", (text, expected) => {
    expect(parse(text)).toBe(expected);
  });

  it("records positions of nodes", () => {
    const ast = parseSqlFilter("  x = 1 AND NOT y IS NULL");
    expect(ast.predicate).toMatchObject({
      kind: "logical",
      position: 2,
      left: { kind: "comparison", position: 2, right: { kind: "literal", position: 6 } },
      right: { kind: "not", position: 12, operand: { kind: "isNull", position: 16 } },
    });
  });
});

describe("parseSqlFilter: constants", () => {
  it.each([
    ["a = 1894", "(user.a = 1894)"],
    ["a = 1894.1204", "(user.a = 1894.1204d)"],
    ["a = 2.0", "(user.a = 2d)"],
    ["a = 101.5E5", "(user.a = 10150000d)"],
    ["a = 0.5e-2", "(user.a = 0.005d)"],
    ["a = -5", "(user.a = -5)"],
    ["a = -2.5", "(user.a = -2.5d)"],
    ["a = 9223372036854775807", "(user.a = 9223372036854775807)"],
    ["a = -9223372036854775808", "(user.a = -9223372036854775808)"],
    ["a = 'it''s'", "(user.a = 'it''s')"],
    ["a = ''", "(user.a = '')"],
    ["a = 'héllo wörld ✓'", "(user.a = 'héllo wörld ✓')"],
    ["a = TRUE", "(user.a = TRUE)"],
    ["a = false", "(user.a = FALSE)"],
    ["a = NULL", "(user.a = NULL)"],
    ["1 = 1", "(1 = 1)"],
    ["1=0", "(1 = 0)"],
  ])("%s", (text, expected) => {
    expect(parse(text)).toBe(expected);
  });

  it("stores integers as bigint and decimals as number", () => {
    expect(parseSqlFilter("a = 3").predicate).toMatchObject({ right: { value: 3n } });
    expect(parseSqlFilter("a = 3.0").predicate).toMatchObject({ right: { value: 3 } });
  });
});

describe("parseSqlFilter: property references", () => {
  it.each([
    ["color = 1", "(user.color = 1)"],
    ["user.color = 1", "(user.color = 1)"],
    ["USER.color = 1", "(user.color = 1)"],
    ["sys.Label = 'x'", "(sys.Label = 'x')"],
    ["SYS.label = 'x'", "(sys.Label = 'x')"],
    ["sys.messageid = 'x'", "(sys.MessageId = 'x')"],
    ["sys.Subject = 'x'", "(sys.Subject = 'x')"],
    ["sys.[To] = 'x'", "(sys.To = 'x')"],
    ["[Property With Space] = 1", "(user.[Property With Space] = 1)"],
    ["[HR-EmployeeID] = 1", "(user.[HR-EmployeeID] = 1)"],
    ["[a]]b] = 1", "(user.[a]b] = 1)"],
    ["[AND] = 1", "(user.AND = 1)"],
    ["user.[my prop] = 1", "(user.[my prop] = 1)"],
    ['"Contoso & Northwind" = 1', "(user.[Contoso & Northwind] = 1)"],
    [
      "\"http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName\" = 'account'",
      "(user.[http://schemas.microsoft.com/xrm/2011/Claims/EntityLogicalName] = 'account')",
    ],
    ["sys = 1", "(user.sys = 1)"],
    ["a_1 = 1", "(user.a_1 = 1)"],
    ["p = 1", "(user.p = 1)"],
    ["set = 1 AND Remove = 2", "((user.set = 1) AND (user.Remove = 2))"],
  ])("%s", (text, expected) => {
    expect(parse(text)).toBe(expected);
  });

  it("accepts every documented system property", () => {
    for (const name of [
      "ContentType",
      "CorrelationId",
      "DeadLetterSource",
      "DeliveryCount",
      "EnqueuedSequenceNumber",
      "EnqueuedTimeUtc",
      "ExpiresAtUtc",
      "ForcePersistence",
      "Label",
      "LockedUntilUtc",
      "LockToken",
      "MessageId",
      "PartitionKey",
      "ReplyTo",
      "ReplyToSessionId",
      "ScheduledEnqueueTimeUtc",
      "SequenceNumber",
      "SessionId",
      "Size",
      "State",
      "TimeToLive",
      "To",
      "ViaPartitionKey",
    ]) {
      expect(parse(`sys.${name.toUpperCase()} IS NULL`)).toBe(`(sys.${name} IS NULL)`);
    }
  });
});

describe("parseSqlFilter: keywords are case-insensitive", () => {
  it.each([
    ["a = 1 and b = 2 Or not c = 3", "(((user.a = 1) AND (user.b = 2)) OR (NOT (user.c = 3)))"],
    ["a iS nOt NuLl", "(user.a IS NOT NULL)"],
    ["a not in (1)", "(user.a NOT IN (1))"],
    ["a Like 'x!%' eScApE '!'", "(user.a LIKE 'x!%' ESCAPE '!')"],
    ["exists(a)", "EXISTS(user.a)"],
    ["a = True OR b = FALSE", "((user.a = TRUE) OR (user.b = FALSE))"],
  ])("%s", (text, expected) => {
    expect(parse(text)).toBe(expected);
  });
});

describe("parseSqlFilter: functions, parameters and bare predicates", () => {
  it.each([
    ["newid() = a", "(newid() = user.a)"],
    ["NEWID ( ) = a", "(newid() = user.a)"],
    ["property('color') = 'red'", "(property('color') = 'red')"],
    ["P(name) = 1", "(property(user.name) = 1)"],
    ["Property('a' + 'b') = 1", "(property(('a' + 'b')) = 1)"],
    ["color = @color", "(user.color = @color)"],
    ["TRUE", "TRUE"],
    ["false", "FALSE"],
    ["flag", "user.flag"],
    ["flag AND NOT other", "(user.flag AND (NOT user.other))"],
    ["@p OR p('x')", "(@p OR property('x'))"],
    ["((a = 1))", "(user.a = 1)"],
  ])("%s", (text, expected) => {
    expect(parse(text)).toBe(expected);
  });
});

describe("parseSqlFilter: syntax errors name the position", () => {
  it.each([
    // unterminated strings / identifiers
    ["a = 'abc", 4, "unterminated string constant"],
    ["a = 'it''s", 4, "unterminated string constant"],
    ["[abc = 1", 0, "unterminated delimited identifier"],
    ['"abc = 1', 0, "unterminated delimited identifier"],
    ["[] = 1", 0, "empty delimited identifier"],
    // parentheses
    ["(a = 1", 6, "expected ')' but found end of input"],
    ["a IN ('x' AND b)", 10, "expected ')' but found 'AND'"],
    ["a IN 'x'", 5, "expected '(' but found ''x''"],
    ["a IN ()", 6, "expected an expression but found ')'"],
    ["EXISTS a", 7, "expected '(' but found 'a'"],
    ["EXISTS(a", 8, "expected ')' but found end of input"],
    ["newid(1) = a", 6, "expected ')' but found '1'"],
    // unknown tokens
    ["a # 1", 2, "unexpected character '#'"],
    ["a ! 1", 2, "unexpected character '!'"],
    ["_a = 1", 0, "unexpected character '_'"],
    ["a = 1 && b = 2", 6, "unexpected character '&'"],
    ["a == 1", 3, "expected an expression but found '='"],
    ["@ = 1", 0, "expected a parameter name after '@'"],
    ["a = 1e", 4, "invalid numeric constant '1e': exponent has no digits"],
    ["a = 12abc", 4, "invalid numeric constant '12a'"],
    ["a = 1.2.3", 4, "invalid numeric constant '1.2.'"],
    // trailing garbage
    ["a = 1 b", 6, "expected end of input but found 'b'"],
    ["a = 1)", 5, "expected end of input but found ')'"],
    ["a = 1;", 5, "expected end of input but found ';'"],
    ["a = 1 = 2", 6, "expected end of input but found '='"],
    ["a = 1 IS NULL", 6, "expected end of input but found 'IS'"],
    // missing operands
    ["a =", 3, "expected an expression but found end of input"],
    ["a = 1 AND", 9, "expected an expression but found end of input"],
    ["AND a = 1", 0, "expected an expression but found 'AND'"],
    ["a = 1 + NOT b", 8, "expected an expression but found 'NOT'"],
    ["a IS", 4, "expected NULL but found end of input"],
    ["a IS 1", 5, "expected NULL but found '1'"],
    ["a NOT BETWEEN 1", 6, "expected IN or LIKE after NOT but found 'BETWEEN'"],
    ["a LIKE", 6, "expected an expression but found end of input"],
    // properties
    ["sys.Foo = 1", 0, "unknown system property 'sys.Foo'"],
    ["x AND sys.Body = 1", 6, "unknown system property 'sys.Body'"],
    ["foo.bar = 1", 0, "unknown property scope 'foo'; expected 'sys' or 'user'"],
    ["sys.NULL = 1", 4, "expected a property name after '.' but found 'NULL'"],
    ["user. = 1", 6, "expected a property name after '.' but found '='"],
    ["EXISTS(1)", 7, "expected a property name but found '1'"],
    ["a.b.c = 1", 0, "unknown property scope 'a'; expected 'sys' or 'user'"],
    ["user.a.b = 1", 6, "expected end of input but found '.'"],
    // constants
    ["a = 9223372036854775808", 4, "integer constant 9223372036854775808 is out of range for a 64-bit integer"],
    ["a = -9223372036854775809", 5, "integer constant 9223372036854775809 is out of range for a 64-bit integer"],
    ["a = 1e999", 4, "numeric constant 1e999 is out of range"],
    // predicate / value confusion
    ["1", 0, "expected a predicate (such as a comparison) but found a value expression"],
    ["'x'", 0, "expected a predicate (such as a comparison) but found a value expression"],
    ["a + 1", 0, "expected a predicate (such as a comparison) but found a value expression"],
    ["a = 1 AND 2", 10, "expected a predicate (such as a comparison) but found a value expression"],
    ["NOT 5", 4, "expected a predicate (such as a comparison) but found a value expression"],
    ["a + (b = 1) = 2", 5, "expected a value expression but found a predicate"],
    ["(a = 1) = TRUE", 1, "expected a value expression but found a predicate"],
    ["a IN ((b = 1))", 7, "expected a value expression but found a predicate"],
    ["a IN (b = 1)", 8, "expected ')' but found '='"],
    ["a = 1AND b = 2", 4, "invalid numeric constant '1A'"],
    ["-'a' = 1", 1, "unary '-' requires a numeric operand"],
    ["1 IS NULL", 0, "IS [NOT] NULL can only be applied to a property"],
    ["(a + 1) IS NULL", 1, "IS [NOT] NULL can only be applied to a property"],
    // LIKE
    ["a LIKE 5", 7, "the LIKE pattern must be a string"],
    ["a LIKE 'x' ESCAPE 'ab'", 18, "the ESCAPE value must be a string of exactly one character"],
    ["a LIKE 'x' ESCAPE ''", 18, "the ESCAPE value must be a string of exactly one character"],
    ["a LIKE 'ab!' ESCAPE '!'", 7, "the LIKE pattern 'ab!' ends with the escape character"],
    // functions
    ["foo(1) = 1", 0, "unknown function 'foo'"],
    ["[newid]() = 1", 7, "expected end of input but found '('"],
    // empty
    ["", 0, "the expression is empty"],
    ["   \n\t", 0, "the expression is empty"],
  ])("%j fails at %i", (text, position, detail) => {
    const error = parseError(text);
    expect(error.position).toBe(position);
    expect(error.detail).toBe(detail);
    expect(error.message).toBe(`Syntax error at position ${position}: ${detail}`);
  });

  it("is an Error named SqlFilterSyntaxError", () => {
    const error = parseError("(a = 1 AND b = 2 AND c");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SqlFilterSyntaxError");
    expect(error.message).toBe("Syntax error at position 22: expected ')' but found end of input");
  });

  it("matches the documented message shape", () => {
    expect(parseError("a IN (1, 2 AND").message).toBe("Syntax error at position 11: expected ')' but found 'AND'");
  });

  it("does not treat reserved keywords as property names", () => {
    expect(parseError("and = 1").position).toBe(0);
    expect(parseError("a = like").detail).toBe("expected an expression but found 'like'");
  });

  it("truncates long tokens in messages", () => {
    const error = parseError(`a = 1 '${"x".repeat(50)}'`);
    expect(error.detail).toBe(`expected end of input but found ''${"x".repeat(31)}…'`);
  });
});

describe("compileSqlFilter: expression length limit", () => {
  it("accepts an expression of exactly 1024 characters", () => {
    const text = `a = '${"x".repeat(MAX_SQL_EXPRESSION_LENGTH - 6)}'`;
    expect(text).toHaveLength(1024);
    expect(() => compileSqlFilter(text)).not.toThrow();
  });

  it("rejects 1025 characters at position 1024", () => {
    const text = `a = '${"x".repeat(MAX_SQL_EXPRESSION_LENGTH - 5)}'`;
    const error = syntaxError(() => compileSqlFilter(text));
    expect(error.position).toBe(1024);
    expect(error.message).toBe("Syntax error at position 1024: the expression is 1025 characters long; the maximum is 1024");
  });

  it("reports syntax errors through compileSqlFilter too", () => {
    expect(syntaxError(() => compileSqlFilter("a = 'abc")).position).toBe(4);
    expect(syntaxError(() => compileSqlFilter("")).position).toBe(0);
  });
});
