/**
 * Recursive-descent parser for Service Bus SqlFilter and SqlRuleAction expressions.
 *
 * Grammar (Microsoft Learn, "Subscription Rule SQL Filter Syntax" and "Subscription
 * Rule SQL Action Syntax"), with precedence from loosest to tightest:
 *
 * ```text
 * filter      := or
 * or          := and { OR and }
 * and         := not { AND not }
 * not         := NOT not | comparison
 * comparison  := additive [ (= | <> | != | > | >= | < | <=) additive
 *                         | [NOT] IN ( additive { , additive } )
 *                         | [NOT] LIKE additive [ ESCAPE additive ]
 *                         | IS [NOT] NULL ]
 * additive    := multiplicative { (+ | -) multiplicative }
 * multiplicative := unary { (* | / | %) unary }
 * unary       := (+ | -) unary | primary
 * primary     := constant | property | @parameter | newid() | property(additive) | p(additive)
 *              | EXISTS ( property ) | ( or )
 * property    := [ (sys | user) . ] name          name := identifier | [delimited] | "quoted"
 * action      := statement { [;] statement } [;]
 * statement   := SET property = additive | REMOVE property
 * ```
 *
 * Besides syntax the parser validates what can be known statically: predicates and values
 * are not mixed up, `sys.` names exist, only settable system properties are assigned, and
 * constant LIKE patterns / escapes are well formed.
 *
 * @module
 */

import type {
  SqlActionStatement,
  SqlArithmeticOperator,
  SqlComparisonOperator,
  SqlFilterAst,
  SqlInNode,
  SqlLikeNode,
  SqlNode,
  SqlPredicate,
  SqlPredicateNode,
  SqlPropertyNode,
  SqlRuleActionAst,
  SqlValueExpression,
} from "./sql-ast.js";
import { SqlFilterSyntaxError } from "./sql-errors.js";
import { compileLikePattern } from "./sql-like.js";
import { describeToken, tokenizeSql, type SqlKeyword, type SqlSymbol, type SqlToken } from "./sql-lexer.js";
import { canonicalSystemPropertyName, isSettableSystemProperty } from "./sql-system-properties.js";

/** Maximum number of statements in one rule action (Service Bus quota). */
export const MAX_ACTION_STATEMENTS = 32;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const COMPARISON_SYMBOLS: ReadonlySet<SqlSymbol> = new Set<SqlSymbol>(["=", "<>", "!=", ">", ">=", "<", "<="]);

const PREDICATE_KINDS: ReadonlySet<SqlNode["kind"]> = new Set<SqlNode["kind"]>(["comparison", "in", "like", "isNull", "exists", "not", "logical"]);

/** Whether `node` yields a truth value rather than a value. */
export function isPredicateNode(node: SqlNode): node is SqlPredicateNode {
  return PREDICATE_KINDS.has(node.kind);
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly SqlToken[]) {}

  // ---- token helpers -------------------------------------------------------

  peek(offset = 0): SqlToken {
    const token = this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
    if (token === undefined) throw new Error("token stream is empty");
    return token;
  }

  next(): SqlToken {
    const token = this.peek();
    if (token.kind !== "end") this.index += 1;
    return token;
  }

  atKeyword(keyword: SqlKeyword, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === "keyword" && token.keyword === keyword;
  }

  atSymbol(symbol: SqlSymbol, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === "symbol" && token.symbol === symbol;
  }

  /** Whether the next token is the unreserved word `word` (`SET`, `REMOVE`), any case. */
  atWord(word: string): boolean {
    const token = this.peek();
    return token.kind === "identifier" && !token.delimited && token.text.toUpperCase() === word;
  }

  atStatementStart(): boolean {
    return this.atWord("SET") || this.atWord("REMOVE");
  }

  atEnd(): boolean {
    return this.peek().kind === "end";
  }

  fail(detail: string, position: number): never {
    throw new SqlFilterSyntaxError(detail, position);
  }

  expected(what: string): never {
    const token = this.peek();
    return this.fail(`expected ${what} but found ${describeToken(token)}`, token.position);
  }

  expectSymbol(symbol: SqlSymbol): SqlToken {
    if (!this.atSymbol(symbol)) this.expected(`'${symbol}'`);
    return this.next();
  }

  // ---- category checks -----------------------------------------------------

  asValue(node: SqlNode): SqlValueExpression {
    if (isPredicateNode(node)) {
      return this.fail("expected a value expression but found a predicate", node.position);
    }
    return node;
  }

  asPredicate(node: SqlNode): SqlPredicate {
    if (isPredicateNode(node)) return node;
    switch (node.kind) {
      case "literal":
        if (typeof node.value === "boolean") return node;
        break;
      case "property":
      case "parameter":
      case "propertyFunction":
        return node;
      default:
        break;
    }
    return this.fail("expected a predicate (such as a comparison) but found a value expression", node.position);
  }

  // ---- predicates ----------------------------------------------------------

  parseOr(): SqlNode {
    let left = this.parseAnd();
    while (this.atKeyword("OR")) {
      this.next();
      const right = this.parseAnd();
      left = { kind: "logical", operator: "OR", position: left.position, left: this.asPredicate(left), right: this.asPredicate(right) };
    }
    return left;
  }

  parseAnd(): SqlNode {
    let left = this.parseNot();
    while (this.atKeyword("AND")) {
      this.next();
      const right = this.parseNot();
      left = { kind: "logical", operator: "AND", position: left.position, left: this.asPredicate(left), right: this.asPredicate(right) };
    }
    return left;
  }

  parseNot(): SqlNode {
    if (this.atKeyword("NOT")) {
      const token = this.next();
      const operand = this.parseNot();
      return { kind: "not", position: token.position, operand: this.asPredicate(operand) };
    }
    return this.parseComparison();
  }

  parseComparison(): SqlNode {
    const left = this.parseAdditive();
    const token = this.peek();
    if (token.kind === "symbol" && COMPARISON_SYMBOLS.has(token.symbol)) {
      this.next();
      const right = this.parseAdditive();
      const operator: SqlComparisonOperator = token.symbol === "!=" ? "<>" : (token.symbol as SqlComparisonOperator);
      return { kind: "comparison", operator, position: left.position, left: this.asValue(left), right: this.asValue(right) };
    }
    if (this.atKeyword("IS")) {
      this.next();
      const negated = this.atKeyword("NOT");
      if (negated) this.next();
      if (!this.atKeyword("NULL")) this.expected("NULL");
      this.next();
      if (left.kind !== "property" && left.kind !== "propertyFunction") {
        return this.fail("IS [NOT] NULL can only be applied to a property", left.position);
      }
      return { kind: "isNull", position: left.position, negated, operand: left };
    }
    let negated = false;
    if (this.atKeyword("NOT")) {
      if (!this.atKeyword("IN", 1) && !this.atKeyword("LIKE", 1)) {
        this.next();
        this.expected("IN or LIKE after NOT");
      }
      this.next();
      negated = true;
    }
    if (this.atKeyword("IN")) {
      this.next();
      return this.parseInList(this.asValue(left), negated);
    }
    if (this.atKeyword("LIKE")) {
      this.next();
      return this.parseLike(this.asValue(left), negated);
    }
    return left;
  }

  parseInList(operand: SqlValueExpression, negated: boolean): SqlInNode {
    this.expectSymbol("(");
    const items: SqlValueExpression[] = [this.asValue(this.parseAdditive())];
    while (this.atSymbol(",")) {
      this.next();
      items.push(this.asValue(this.parseAdditive()));
    }
    this.expectSymbol(")");
    return { kind: "in", position: operand.position, negated, operand, items };
  }

  parseLike(operand: SqlValueExpression, negated: boolean): SqlLikeNode {
    const pattern = this.asValue(this.parseAdditive());
    if (pattern.kind === "literal" && typeof pattern.value !== "string") {
      this.fail("the LIKE pattern must be a string", pattern.position);
    }
    let escape: SqlValueExpression | null = null;
    if (this.atKeyword("ESCAPE")) {
      this.next();
      escape = this.asValue(this.parseAdditive());
      if (escape.kind === "literal" && (typeof escape.value !== "string" || [...escape.value].length !== 1)) {
        this.fail("the ESCAPE value must be a string of exactly one character", escape.position);
      }
    }
    if (pattern.kind === "literal" && typeof pattern.value === "string") {
      const escapeText = escape?.kind === "literal" && typeof escape.value === "string" ? escape.value : null;
      if (escape === null || escapeText !== null) {
        const compiled = compileLikePattern(pattern.value, escapeText);
        if ("error" in compiled) this.fail(compiled.error, pattern.position);
      }
    }
    return { kind: "like", position: operand.position, negated, operand, pattern, escape };
  }

  // ---- values --------------------------------------------------------------

  parseAdditive(): SqlNode {
    let left = this.parseMultiplicative();
    while (this.atSymbol("+") || this.atSymbol("-")) {
      const operator = this.next().text as SqlArithmeticOperator;
      const right = this.parseMultiplicative();
      left = { kind: "arithmetic", operator, position: left.position, left: this.asValue(left), right: this.asValue(right) };
    }
    return left;
  }

  parseMultiplicative(): SqlNode {
    let left = this.parseUnary();
    while (this.atSymbol("*") || this.atSymbol("/") || this.atSymbol("%")) {
      const operator = this.next().text as SqlArithmeticOperator;
      const right = this.parseUnary();
      left = { kind: "arithmetic", operator, position: left.position, left: this.asValue(left), right: this.asValue(right) };
    }
    return left;
  }

  parseUnary(): SqlNode {
    if (!this.atSymbol("+") && !this.atSymbol("-")) return this.parsePrimary();
    const token = this.next();
    const operator = token.text === "-" ? "-" : "+";
    const literal = this.peek();
    // Fold signs into numeric constants so that -9223372036854775808 is representable.
    if (literal.kind === "integer") {
      this.next();
      const value = operator === "-" ? -literal.value : literal.value;
      return { kind: "literal", position: token.position, value: this.checkInt64(value, literal) };
    }
    if (literal.kind === "double") {
      this.next();
      return { kind: "literal", position: token.position, value: this.checkDouble(literal, operator === "-" ? -literal.value : literal.value) };
    }
    const operand = this.asValue(this.parseUnary());
    if (operand.kind === "literal" && operand.value !== null && typeof operand.value !== "number" && typeof operand.value !== "bigint") {
      this.fail(`unary '${operator}' requires a numeric operand`, operand.position);
    }
    return { kind: "unary", position: token.position, operator, operand };
  }

  checkInt64(value: bigint, token: SqlToken): bigint {
    if (value > INT64_MAX || value < INT64_MIN) {
      this.fail(`integer constant ${token.text} is out of range for a 64-bit integer`, token.position);
    }
    return value;
  }

  checkDouble(token: SqlToken, value: number): number {
    if (!Number.isFinite(value)) this.fail(`numeric constant ${token.text} is out of range`, token.position);
    return value;
  }

  parsePrimary(): SqlNode {
    const token = this.peek();
    switch (token.kind) {
      case "integer":
        this.next();
        return { kind: "literal", position: token.position, value: this.checkInt64(token.value, token) };
      case "double":
        this.next();
        return { kind: "literal", position: token.position, value: this.checkDouble(token, token.value) };
      case "string":
        this.next();
        return { kind: "literal", position: token.position, value: token.value };
      case "parameter":
        this.next();
        return { kind: "parameter", position: token.position, name: token.name };
      case "keyword":
        return this.parseKeywordPrimary(token.keyword);
      case "symbol":
        if (token.symbol === "(") {
          this.next();
          const inner = this.parseOr();
          this.expectSymbol(")");
          return inner;
        }
        return this.expected("an expression");
      case "identifier":
        if (!token.delimited && this.atSymbol("(", 1)) return this.parseFunction();
        return this.parseProperty();
      default:
        return this.expected("an expression");
    }
  }

  parseKeywordPrimary(keyword: SqlKeyword): SqlNode {
    const token = this.peek();
    switch (keyword) {
      case "TRUE":
      case "FALSE":
        this.next();
        return { kind: "literal", position: token.position, value: keyword === "TRUE" };
      case "NULL":
        this.next();
        return { kind: "literal", position: token.position, value: null };
      case "EXISTS": {
        this.next();
        this.expectSymbol("(");
        const property = this.parseProperty();
        this.expectSymbol(")");
        return { kind: "exists", position: token.position, property };
      }
      default:
        return this.expected("an expression");
    }
  }

  parseFunction(): SqlNode {
    const token = this.next();
    const name = token.text.toLowerCase();
    if (name === "newid") {
      this.expectSymbol("(");
      this.expectSymbol(")");
      return { kind: "newid", position: token.position };
    }
    if (name === "property" || name === "p") {
      this.expectSymbol("(");
      const argument = this.asValue(this.parseAdditive());
      this.expectSymbol(")");
      return { kind: "propertyFunction", position: token.position, argument };
    }
    return this.fail(`unknown function '${token.text}'`, token.position);
  }

  parseProperty(): SqlPropertyNode {
    const first = this.peek();
    if (first.kind !== "identifier") return this.expected("a property name");
    this.next();
    if (first.delimited || !this.atSymbol(".")) {
      return { kind: "property", position: first.position, scope: "user", name: first.name };
    }
    const scope = first.name.toLowerCase();
    if (scope !== "sys" && scope !== "user") {
      this.fail(`unknown property scope '${first.name}'; expected 'sys' or 'user'`, first.position);
    }
    this.next();
    const nameToken = this.peek();
    if (nameToken.kind !== "identifier") return this.expected("a property name after '.'");
    this.next();
    if (scope === "user") {
      return { kind: "property", position: first.position, scope: "user", name: nameToken.name };
    }
    const canonical = canonicalSystemPropertyName(nameToken.name);
    if (canonical === undefined) {
      return this.fail(`unknown system property 'sys.${nameToken.name}'`, first.position);
    }
    return { kind: "property", position: first.position, scope: "sys", name: canonical };
  }

  // ---- actions -------------------------------------------------------------

  parseStatement(): SqlActionStatement {
    const token = this.peek();
    if (this.atWord("SET")) {
      this.next();
      const target = this.parseProperty();
      if (target.scope === "sys" && !isSettableSystemProperty(target.name)) {
        this.fail(`system property 'sys.${target.name}' cannot be set by a rule action`, target.position);
      }
      this.expectSymbol("=");
      const value = this.asValue(this.parseAdditive());
      if (target.scope === "sys" && value.kind === "literal" && value.value !== null && typeof value.value !== "string") {
        this.fail(`system property 'sys.${target.name}' requires a string value`, value.position);
      }
      return { kind: "set", position: token.position, target, value };
    }
    if (this.atWord("REMOVE")) {
      this.next();
      const target = this.parseProperty();
      if (target.scope === "sys") {
        this.fail(`REMOVE cannot be applied to system property 'sys.${target.name}'`, target.position);
      }
      return { kind: "remove", position: token.position, target };
    }
    return this.expected("SET or REMOVE");
  }
}

function startParser(source: string): Parser {
  const parser = new Parser(tokenizeSql(source));
  if (parser.atEnd()) throw new SqlFilterSyntaxError("the expression is empty", 0);
  return parser;
}

/**
 * Parse a SqlFilter condition such as `sys.Label LIKE '%bus%' AND color IN ('red', 'blue')`.
 *
 * @throws {@link SqlFilterSyntaxError} with the offending position.
 */
export function parseSqlFilter(source: string): SqlFilterAst {
  const parser = startParser(source);
  const predicate = parser.asPredicate(parser.parseOr());
  if (!parser.atEnd()) parser.expected("end of input");
  return { kind: "filter", predicate };
}

/**
 * Parse a SqlRuleAction such as `SET quantity = quantity / 2; REMOVE priority`.
 * Statements are separated by optional semicolons; at most {@link MAX_ACTION_STATEMENTS}.
 *
 * @throws {@link SqlFilterSyntaxError} with the offending position.
 */
export function parseSqlRuleAction(source: string): SqlRuleActionAst {
  const parser = startParser(source);
  const statements: SqlActionStatement[] = [];
  for (;;) {
    const start = parser.peek().position;
    statements.push(parser.parseStatement());
    if (statements.length > MAX_ACTION_STATEMENTS) {
      parser.fail(`a rule action may contain at most ${MAX_ACTION_STATEMENTS} statements`, start);
    }
    const sawSemicolon = parser.atSymbol(";");
    if (sawSemicolon) parser.next();
    if (parser.atEnd()) break;
    if (!sawSemicolon && !parser.atStatementStart()) {
      parser.expected("';' or end of input");
    }
  }
  return { kind: "action", statements };
}
